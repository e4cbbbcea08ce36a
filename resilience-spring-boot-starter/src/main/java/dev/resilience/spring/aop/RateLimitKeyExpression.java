package dev.resilience.spring.aop;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.BeanResolver;
import org.springframework.expression.ConstructorResolver;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;
import org.springframework.expression.IndexAccessor;
import org.springframework.expression.MethodResolver;
import org.springframework.expression.OperatorOverloader;
import org.springframework.expression.ParseException;
import org.springframework.expression.PropertyAccessor;
import org.springframework.expression.TypeComparator;
import org.springframework.expression.TypeConverter;
import org.springframework.expression.TypeLocator;
import org.springframework.expression.TypedValue;
import org.springframework.expression.spel.SpelCompilerMode;
import org.springframework.expression.spel.SpelNode;
import org.springframework.expression.spel.SpelParserConfiguration;
import org.springframework.expression.spel.ast.FunctionReference;
import org.springframework.expression.spel.ast.VariableReference;
import org.springframework.expression.spel.standard.SpelExpression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.StandardEvaluationContext;
import org.springframework.expression.spel.support.StandardTypeLocator;

/**
 * The key of a {@code @RateLimiter(key = ...)} method: its SpEL expression, parsed and checked once when the bean
 * is created, evaluated per call over the call's arguments.
 *
 * <p>A call costs one small context object (the arguments and a shared, read-only setup), not a fresh
 * evaluation context with every argument copied into a map: a variable is looked up by its precomputed position
 * when the expression reads it. The expression runs in SpEL's mixed compilation mode, so a key read on every
 * call is soon compiled to bytecode.
 */
final class RateLimitKeyExpression {

    private static final ParameterNameDiscoverer PARAMETER_NAMES = new DefaultParameterNameDiscoverer();

    private final String text;
    private final String method;
    private final Expression expression;
    /** Argument position by variable name: {@code p0}, {@code a0} and the parameter names. */
    private final Map<String, Integer> positions;
    /** Resolvers, type locator and converter: set up once, then only read (calls share it). */
    private final StandardEvaluationContext shared;

    private RateLimitKeyExpression(String text, String method, Expression expression, Map<String, Integer> positions,
            StandardEvaluationContext shared) {
        this.text = text;
        this.method = method;
        this.expression = expression;
        this.positions = positions;
        this.shared = shared;
    }

    /**
     * Parses {@code key} for {@code method} of {@code targetClass}.
     *
     * @throws InvalidRateLimitKeyException when it is no valid SpEL, or names a variable that is no parameter of
     *                                      the method, or calls a function
     */
    static RateLimitKeyExpression parse(String key, Method method, Class<?> targetClass) {
        String described = describe(method, targetClass);
        ClassLoader loader = targetClass.getClassLoader();
        SpelExpressionParser parser = new SpelExpressionParser(
                new SpelParserConfiguration(SpelCompilerMode.MIXED, loader));
        SpelExpression expression;
        try {
            expression = parser.parseRaw(key);
        } catch (ParseException invalid) {
            throw new InvalidRateLimitKeyException(described, key, "is not a valid SpEL expression: "
                    + invalid.getMessage());
        }
        String[] names = PARAMETER_NAMES.getParameterNames(method);
        Map<String, Integer> positions = new HashMap<>();
        for (int i = 0; i < method.getParameterCount(); i++) {
            positions.put("p" + i, i);
            positions.put("a" + i, i);
        }
        if (names != null) {
            for (int i = 0; i < names.length; i++) {
                positions.put(names[i], i);
            }
        }
        check(expression.getAST(), key, described, positions.keySet(), names, method.getParameterCount());
        StandardEvaluationContext shared = new StandardEvaluationContext();
        if (loader != null) {
            shared.setTypeLocator(new StandardTypeLocator(loader));
        }
        // Set up what the context would otherwise make lazily, so that calls on many threads only read it.
        shared.getPropertyAccessors();
        shared.getIndexAccessors();
        shared.getConstructorResolvers();
        shared.getMethodResolvers();
        shared.getTypeLocator();
        shared.getTypeConverter();
        return new RateLimitKeyExpression(key, described, expression, Map.copyOf(positions), shared);
    }

    /** Every variable the expression reads must be an argument ({@code #root} and {@code #this} are SpEL's). */
    private static void check(SpelNode node, String key, String method, Set<String> known, String[] names,
            int parameters) {
        if (node instanceof VariableReference) {
            String name = node.toStringAST().substring(1);
            if (!known.contains(name) && !"root".equals(name) && !"this".equals(name)) {
                throw new InvalidRateLimitKeyException(method, key, "names #" + name
                        + ", which is no parameter of the method; " + parametersHint(names, parameters));
            }
        } else if (node instanceof FunctionReference) {
            throw new InvalidRateLimitKeyException(method, key, "calls " + node.toStringAST()
                    + ", but a key expression has no functions; " + parametersHint(names, parameters));
        }
        for (int i = 0; i < node.getChildCount(); i++) {
            check(node.getChild(i), key, method, known, names, parameters);
        }
    }

    private static String parametersHint(String[] names, int parameters) {
        if (parameters == 0) {
            return "the method has no parameters";
        }
        List<String> forms = new ArrayList<>();
        if (names != null) {
            Arrays.stream(names).map(name -> "#" + name).forEach(forms::add);
        }
        forms.add(parameters == 1 ? "#p0 (#a0)" : "#p0..#p" + (parameters - 1) + " (#a0..#a" + (parameters - 1) + ")");
        String hint = "name an argument as " + String.join(", ", forms);
        return names == null ? hint + " (parameter names are only known when the code is compiled with -parameters)"
                : hint;
    }

    private static String describe(Method method, Class<?> targetClass) {
        return targetClass.getName() + "." + method.getName() + "(" + Arrays.stream(method.getParameterTypes())
                .map(Class::getSimpleName).collect(Collectors.joining(", ")) + ")";
    }

    /**
     * The key of a call with {@code arguments}.
     *
     * @throws IllegalArgumentException naming the method and the expression, when evaluating it fails
     */
    Object evaluate(Object[] arguments) {
        try {
            return expression.getValue(new Call(this, arguments));
        } catch (RuntimeException failure) {
            throw new IllegalArgumentException("@RateLimiter(key = \"" + text + "\") of " + method
                    + " could not be evaluated for this call: " + failure.getMessage(), failure);
        }
    }

    /** The expression as written, e.g. {@code #tenantId}. */
    String text() {
        return text;
    }

    @Override
    public String toString() {
        return "RateLimitKeyExpression[" + text + " of " + method + "]";
    }

    /** One call's evaluation: its arguments are the root and the variables; everything else is shared. */
    private static final class Call implements EvaluationContext {

        private final RateLimitKeyExpression key;
        private final Object[] arguments;

        Call(RateLimitKeyExpression key, Object[] arguments) {
            this.key = key;
            this.arguments = arguments;
        }

        @Override
        public TypedValue getRootObject() {
            return new TypedValue(arguments);
        }

        @Override
        public Object lookupVariable(String name) {
            Integer position = key.positions.get(name);
            return position == null || position >= arguments.length ? null : arguments[position];
        }

        @Override
        public void setVariable(String name, Object value) {
            throw new UnsupportedOperationException("a rate-limit key expression cannot set variables");
        }

        @Override
        public TypedValue assignVariable(String name, Supplier<TypedValue> valueSupplier) {
            throw new UnsupportedOperationException("a rate-limit key expression cannot assign variables");
        }

        @Override
        public boolean isAssignmentEnabled() {
            return false;
        }

        @Override
        public List<PropertyAccessor> getPropertyAccessors() {
            return key.shared.getPropertyAccessors();
        }

        @Override
        public List<IndexAccessor> getIndexAccessors() {
            return key.shared.getIndexAccessors();
        }

        @Override
        public List<ConstructorResolver> getConstructorResolvers() {
            return key.shared.getConstructorResolvers();
        }

        @Override
        public List<MethodResolver> getMethodResolvers() {
            return key.shared.getMethodResolvers();
        }

        @Override
        public BeanResolver getBeanResolver() {
            return null;
        }

        @Override
        public TypeLocator getTypeLocator() {
            return key.shared.getTypeLocator();
        }

        @Override
        public TypeConverter getTypeConverter() {
            return key.shared.getTypeConverter();
        }

        @Override
        public TypeComparator getTypeComparator() {
            return key.shared.getTypeComparator();
        }

        @Override
        public OperatorOverloader getOperatorOverloader() {
            return key.shared.getOperatorOverloader();
        }
    }
}

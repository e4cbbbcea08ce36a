package dev.resilience.core.ratelimiter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import dev.resilience.core.spi.Clock;

/**
 * A bucket's one mutable word, alone on its cache line. Every permit CASes the word, so whatever else shares
 * its line (another object the allocator put beside the bucket, such as the limiter's settings) is fetched
 * again by the other core after each permit: measured, a limiter whose settings object sat next to its bucket
 * scaled ×0.24 from one thread to two instead of ×0.8 (BENCHMARKS.md, scenario 12b). The padding is in class
 * layers because the JVM lays out a superclass's fields before its subclass's, and a class's own in any order.
 */
abstract class PaddedWord extends WordPadAfter {

    PaddedWord(RateLimiterConfig config, Clock clock) {
        super(config, clock);
    }

    /** The word, read with volatile semantics. */
    final long word() {
        return (long) Word.WORD.getVolatile(this);
    }

    /** Sets the word to {@code next} if it is still {@code expected}. */
    final boolean casWord(long expected, long next) {
        return Word.WORD.compareAndSet(this, expected, next);
    }

    /** Sets the word, with volatile semantics. */
    final void word(long value) {
        Word.WORD.setVolatile(this, value);
    }
}

/** 56 bytes before the word: with the object header (and the bucket's timing fields), more than a 64-byte line. */
abstract class WordPadBefore extends LocalBucket {
    long p01, p02, p03, p04, p05, p06, p07;

    WordPadBefore(RateLimiterConfig config, Clock clock) {
        super(config, clock);
    }
}

/** The word itself. */
abstract class Word extends WordPadBefore {

    static final VarHandle WORD;

    static {
        try {
            WORD = MethodHandles.lookup().findVarHandle(Word.class, "word", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // through WORD
    private volatile long word;

    Word(RateLimiterConfig config, Clock clock) {
        super(config, clock);
    }
}

/** 56 bytes after the word, before the bucket's own (read-mostly) fields. */
abstract class WordPadAfter extends Word {
    long p11, p12, p13, p14, p15, p16, p17;

    WordPadAfter(RateLimiterConfig config, Clock clock) {
        super(config, clock);
    }
}

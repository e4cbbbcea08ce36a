package dev.resilience.test;

/** Wording shared by the assertions' messages. */
final class Texts {

    private Texts() {
    }

    /** {@code 1 call}, {@code 2 calls}. */
    static String count(long n, String noun) {
        return n + " " + (n == 1 ? noun : noun + "s");
    }
}

import java.nio.ByteBuffer;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The cpu-echo workload's computation, the same in every server: SHA-256 of a 64-byte
 * request, then SHA-256 of that digest, {@code rounds} hashes in all, without allocating.
 * One instance per connection (a MessageDigest is not thread-safe). ci/compare calibrates
 * the rounds once per run, {@code java Work calibrate MICROS} (prints the rounds that take
 * about MICROS µs on this machine), and passes the same number to every server.
 */
public final class Work {
    /** The size of a request. */
    public static final int MESSAGE = 64;

    private final MessageDigest sha;
    private final int rounds;
    private final byte[] digest = new byte[32];

    public Work(int rounds) {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be at least 1, not " + rounds);
        }
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        this.rounds = rounds;
    }

    /** Hashes the request (msg's remaining bytes; its position stays), then the digest, rounds - 1 more times. */
    public void run(ByteBuffer msg) {
        sha.update(msg.duplicate());
        try {
            for (int i = 1; i < rounds; i++) {
                sha.digest(digest, 0, digest.length);
                sha.update(digest);
            }
            sha.digest(digest, 0, digest.length);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code calibrate MICROS}: prints on stdout the rounds that take about MICROS µs per
     * request here, after a warm-up; the least time of several trials, so that other
     * processes busy meanwhile slow the estimate down less.
     */
    public static void main(String[] args) {
        if (args.length != 2 || !args[0].equals("calibrate")) {
            throw new IllegalArgumentException("usage: Work calibrate MICROS");
        }
        double micros = Double.parseDouble(args[1]);
        int probe = 100, calls = 2000;
        Work w = new Work(probe);
        ByteBuffer msg = ByteBuffer.allocateDirect(MESSAGE);
        long end = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < end) { // warm-up: JIT-compile the loop and the SHA intrinsics
            w.run(msg);
        }
        double best = Double.MAX_VALUE;
        for (int trial = 0; trial < 7; trial++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                w.run(msg);
            }
            best = Math.min(best, (System.nanoTime() - t0) / (double) (calls * probe));
        }
        long rounds = Math.max(1, Math.round(micros * 1000 / best));
        System.err.printf("Work: %.0f ns per SHA-256 round: %d rounds for %.0f µs%n", best, rounds, micros);
        System.out.println(rounds);
    }
}

package org.greenhub.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The runtime against the JDK's own scheduler, side by side in one run (issue #15):
 * {@link BurstSpawn} and {@link PingPong}, each variant in a fresh JVM with the same
 * flags, the JDK variants once at {@code -Djdk.virtualThreadScheduler.parallelism=1}
 * (one carrier, as a hub has) and once at the default parallelism. A round runs every
 * variant once, in reverse order every other round; each JVM takes its own warm-up
 * iterations and reports the median of its measured ones. The Markdown table on
 * stdout gives per variant the median over rounds, and its ratios to the JDK peers
 * taken within each round (peer time / variant time: above 1 the variant is faster),
 * then the median of those. Progress goes to stderr.
 *
 * <p>Options: {@code --rounds N} (5), {@code --workloads spawn,pingpong} ({@code park}: the
 * bare park/unpark hand-off under PingPong, greenhub against JDK virtual threads),
 * {@code --warmup N} and {@code --iterations N} per JVM (spawn 2 and 3, pingpong 3
 * and 5), {@code --spawns N}
 * and {@code --trips N} (1,000,000 each), {@code --baseline JAR} (a second greenhub
 * jar whose greenhub variants run beside this one's: before/after figures of a
 * change), {@code --java PATH}, {@code --flags "..."} (the JVM flags of every
 * variant), {@code --cp CP} (class path: the greenhub jar, then the benchmarks jar),
 * {@code --command "..."} (printed with the table). {@code ci/bench --runtime} passes
 * java, flags, class path and command.
 */
public final class RuntimeCompare {
    private RuntimeCompare() {
    }

    static final String ONE_CARRIER = "-Djdk.virtualThreadScheduler.parallelism=1";

    /** One JVM configuration: a main class, its variant argument, extra flags and class path. */
    record Variant(String label, String mainClass, String arg, List<String> extraFlags, String cp, boolean greenhub) {
    }

    record Result(double nanos, double bytes, double cpu) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("options are --name value pairs: " + args[i]);
            }
            opt.put(args[i].substring(2), args[++i]);
        }
        int rounds = Integer.parseInt(opt.getOrDefault("rounds", "5"));
        String java = opt.getOrDefault("java", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String flags = opt.getOrDefault("flags", "");
        String cp = opt.getOrDefault("cp", System.getProperty("java.class.path"));
        String baseline = opt.get("baseline");
        String warmup = opt.get("warmup");         // per workload unless given
        String iterations = opt.get("iterations");
        List<String> workloads = List.of(opt.getOrDefault("workloads", "spawn,pingpong").split(","));
        String benchCp = cp.contains(File.pathSeparator)
                ? cp.substring(cp.indexOf(File.pathSeparator) + 1) : cp;

        System.out.println("## The runtime against the JDK scheduler");
        System.out.println();
        System.out.println("`" + opt.getOrDefault("command", "RuntimeCompare " + String.join(" ", args)) + "`");
        System.out.println();
        System.out.printf(Locale.ROOT, "%s; %d CPUs; load average at start %s; %d rounds of fresh JVMs; "
                        + "JVM flags `%s`%n",
                javaVersion(java), Runtime.getRuntime().availableProcessors(), loadAverage(), rounds, flags);

        for (String workload : workloads) {
            Workload w = WORKLOADS.get(workload.trim());
            if (w == null) {
                throw new IllegalArgumentException("unknown workload " + workload + " (spawn, pingpong, park)");
            }
            String wi = warmup != null ? warmup : w.warmup();
            String mi = iterations != null ? iterations : w.iterations();
            String ops = opt.getOrDefault(w.opsOption(), "1000000");
            String peer = w.jdk().get(0);
            List<Variant> variants = new ArrayList<>();
            for (String g : w.green()) {
                addGreen(variants, w.main(), g, cp, baseline, benchCp);
            }
            for (String j : w.jdk()) {
                addJdk(variants, w.main(), j, cp);
            }
            Map<String, List<Result>> results = new LinkedHashMap<>();
            for (Variant v : variants) {
                results.put(v.label, new ArrayList<>());
            }
            for (int r = 0; r < rounds; r++) {
                List<Variant> order = new ArrayList<>(variants);
                if (r % 2 == 1) {
                    Collections.reverse(order);
                }
                for (Variant v : order) {
                    Result res = runJvm(java, flags, v, ops, wi, mi);
                    System.err.printf(Locale.ROOT, "%s round %d/%d: %-32s %10.1f ns/op %6.0f B/op CPU %10.1f ns/op%n",
                            workload, r + 1, rounds, v.label, res.nanos, res.bytes, res.cpu);
                    results.get(v.label).add(res);
                }
            }
            printTable(workload, ops + " ops per iteration, " + wi + " warm-up + " + mi
                    + " measured iterations per JVM (their median)", w.unit(), peer, variants, results);
        }
        System.out.println();
        System.out.println("Load average at the end: " + loadAverage() + ".");
    }

    /**
     * A workload: its main class, default warm-up and measured iterations per JVM, the
     * option that sets its operations per iteration, its unit, its greenhub variants and
     * its JDK peers (the first is the one the ratios are to).
     */
    private record Workload(String main, String warmup, String iterations, String opsOption, String unit,
                            List<String> green, List<String> jdk) {
    }

    private static final Map<String, Workload> WORKLOADS = Map.of(
            // a 1M burst compiles its code within the first iteration; each takes seconds
            "spawn", new Workload("BurstSpawn", "2", "3", "spawns", "ms per 1M spawns",
                    List.of("greenhub-spawnN", "greenhub-pool-spawnN"), List.of("jdk-vthreads")),
            "pingpong", new Workload("PingPong", "3", "5", "trips", "ns per round trip",
                    List.of("greenhub-lightqueue"), List.of("jdk-abq", "jdk-sq")),
            // not in the default set: the floor under pingpong on both runtimes
            "park", new Workload("PingPong", "3", "5", "trips", "ns per round trip",
                    List.of("greenhub-park"), List.of("jdk-park")));

    private static void addGreen(List<Variant> vs, String main, String arg, String cp, String baseline, String benchCp) {
        vs.add(new Variant(arg, main, arg, List.of(), cp, true));
        if (baseline != null) {
            vs.add(new Variant(arg + " (baseline)", main, arg, List.of(), baseline + File.pathSeparator + benchCp, true));
        }
    }

    private static void addJdk(List<Variant> vs, String main, String arg, String cp) {
        vs.add(new Variant(arg + ", 1 carrier", main, arg, List.of(ONE_CARRIER), cp, false));
        vs.add(new Variant(arg + ", default", main, arg, List.of(), cp, false));
    }

    private static Result runJvm(String java, String flags, Variant v, String ops, String warmup, String iterations)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        for (String f : flags.trim().split("\\s+")) {
            if (!f.isEmpty()) {
                cmd.add(f);
            }
        }
        cmd.addAll(v.extraFlags);
        cmd.addAll(List.of("-cp", v.cp, "org.greenhub.bench." + v.mainClass, v.arg, ops, warmup, iterations));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        Result result = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                out.append(line).append('\n');
                if (line.startsWith("RESULT ")) {
                    String[] f = line.split(" ");
                    result = new Result(Double.parseDouble(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4]));
                }
            }
        }
        int rc = p.waitFor();
        if (rc != 0 || result == null) {
            throw new IllegalStateException("variant " + v.label + " failed (exit " + rc + "): " + String.join(" ", cmd)
                    + "\n" + out);
        }
        return result;
    }

    private static void printTable(String workload, String setup, String unit, String peer, List<Variant> variants,
                                   Map<String, List<Result>> results) {
        List<Result> one = results.get(peer + ", 1 carrier");
        List<Result> def = results.get(peer + ", default");
        System.out.println();
        System.out.printf(Locale.ROOT, "### %s: %s%n%n", workload, setup);
        System.out.printf("| variant | %s (median) | CPU, same unit | allocated per op | vs %s, 1 carrier | vs %s, default | per-round ratios vs 1 carrier |%n",
                unit, peer, peer);
        System.out.println("|---|---:|---:|---:|---:|---:|---|");
        for (Variant v : variants) {
            List<Result> rs = results.get(v.label);
            // ns per op is numerically ms per 1M ops: both units read the same number
            double t = median(rs.stream().mapToDouble(Result::nanos).toArray());
            double c = median(rs.stream().mapToDouble(Result::cpu).toArray());
            double b = median(rs.stream().mapToDouble(Result::bytes).toArray());
            double[] r1 = ratios(one, rs);
            double[] rd = ratios(def, rs);
            StringBuilder per = new StringBuilder();
            for (double x : r1) {
                per.append(per.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%.2f", x));
            }
            System.out.printf(Locale.ROOT, "| %s | %,.0f | %,.0f | %.0f B | %.2fx | %.2fx | %s |%n",
                    v.label, t, c, b, median(r1), median(rd), per);
        }
        System.out.println();
        System.out.println("Ratios: the peer's time over the variant's in the same round, median over rounds "
                + "(above 1: the variant is faster). CPU: the process's CPU time (all threads, GC included) over the "
                + "same iterations.");
        boolean header = false;
        for (Variant v : variants) {
            List<Result> base = results.get(v.label + " (baseline)");
            if (base == null) {
                continue;
            }
            if (!header) {
                header = true;
                System.out.println();
                System.out.println("| this build against the baseline | wall time, median of per-round ratios | "
                        + "per round | CPU time, median of per-round ratios |");
                System.out.println("|---|---:|---|---:|");
            }
            List<Result> rs = results.get(v.label);
            double[] wall = ratios(base, rs);
            double[] cpu = new double[rs.size()];
            StringBuilder per = new StringBuilder();
            for (int i = 0; i < cpu.length; i++) {
                cpu[i] = base.get(i).cpu / rs.get(i).cpu;
                per.append(per.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%.2f", wall[i]));
            }
            System.out.printf(Locale.ROOT, "| %s | %.2fx | %s | %.2fx |%n", v.label, median(wall), per, median(cpu));
        }
    }

    private static double[] ratios(List<Result> peer, List<Result> rs) {
        double[] r = new double[rs.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = peer.get(i).nanos / rs.get(i).nanos;
        }
        return r;
    }

    static double median(double[] xs) {
        return Iterations.median(xs);
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean()
                    .getSystemLoadAverage());
        }
    }

    private static String javaVersion(String java) {
        try {
            Process p = new ProcessBuilder(java, "-version").redirectErrorStream(true).start();
            String first;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                List<String> lines = in.lines().toList();
                first = lines.size() > 1 ? lines.get(1) : lines.isEmpty() ? "?" : lines.get(0);
            }
            p.waitFor();
            return first;
        } catch (IOException | InterruptedException e) {
            return System.getProperty("java.runtime.version");
        }
    }
}

package dev.pidbox.jmx.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * The one class that touches {@code jdk.jfr} (so that a JVM without the module never loads it): a recording of the
 * mode's events for the duration, on the calling thread. It records to JFR's repository (at most
 * {@link #MAX_CHUNK_BYTES}): an in-memory recording gets no samples while the host runs a disk recording of its own.
 * At the end the recording is stopped, dumped to a temporary file readable by its owner only, read with
 * {@link RecordingFile} and the file deleted at once; the recording is closed in every case, which removes its chunks,
 * so an interrupted profile (the node closing) leaves no recording and no file behind. {@code RecordingStream} would
 * spare the dump but needs Java 14 and streams through the same repository anyway.
 */
final class JfrSampler {
    static final String EXECUTION = "jdk.ExecutionSample";
    static final String ALLOCATION_SAMPLE = "jdk.ObjectAllocationSample";
    static final String IN_NEW_TLAB = "jdk.ObjectAllocationInNewTLAB";
    static final String OUTSIDE_TLAB = "jdk.ObjectAllocationOutsideTLAB";
    static final String FILE_PREFIX = "pidbox-profile-";
    /** The most a profile's recording keeps in JFR's repository while it runs. */
    static final long MAX_CHUNK_BYTES = 64L * 1024 * 1024;
    /** What a hidden class's name has after its own: {@code /0x0000000800c03000}, {@code +0x00007f...}, {@code .123}. */
    private static final Pattern HIDDEN_SUFFIX = Pattern.compile("[/+]0x[0-9a-fA-F]+(\\.\\d+)?$");

    private JfrSampler() {
    }

    /** Why JFR cannot be used in this JVM, or null when it can. */
    static String unavailable() {
        try {
            return FlightRecorder.isAvailable() ? null : "JFR is disabled in this JVM (-XX:-FlightRecorder)";
        } catch (LinkageError e) {
            return "this JVM has no JFR (module jdk.jfr not present)";
        }
    }

    /** The JFR events a mode records in this JVM; empty when the JVM has none of them. */
    static List<String> events(ProfileRequest.Mode mode) {
        Set<String> known = new HashSet<>();
        for (EventType t : FlightRecorder.getFlightRecorder().getEventTypes()) {
            known.add(t.getName());
        }
        List<String> out = new ArrayList<>();
        if (mode == ProfileRequest.Mode.CPU && known.contains(EXECUTION)) {
            out.add(EXECUTION);
        } else if (mode == ProfileRequest.Mode.ALLOC && known.contains(ALLOCATION_SAMPLE)) {
            out.add(ALLOCATION_SAMPLE);
        } else if (mode == ProfileRequest.Mode.ALLOC) {
            for (String e : new String[] {IN_NEW_TLAB, OUTSIDE_TLAB}) {
                if (known.contains(e)) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    /** Records {@code events} for the request's duration and adds their stacks to {@code counts}. */
    static void sample(ProfileRequest request, List<String> events, StackCounts counts)
            throws InterruptedException, IOException {
        Path file = null;
        boolean dumped = false;
        try (Recording recording = new Recording()) {
            recording.setName("pidbox profile " + request.mode.wireName());
            // On disk: an in-memory recording loses its samples to a disk recording the host runs at the same time.
            recording.setToDisk(true);
            recording.setMaxSize(MAX_CHUNK_BYTES);
            for (String e : events) {
                if (e.equals(EXECUTION)) {
                    recording.enable(e).withPeriod(Duration.ofMillis(request.intervalMs)).withStackTrace();
                } else if (e.equals(ALLOCATION_SAMPLE)) {
                    recording.enable(e).with("throttle", throttle(request.intervalMs) + "/s")
                            .withStackTrace();
                } else {
                    recording.enable(e).withStackTrace();
                }
            }
            recording.start();
            TimeUnit.MILLISECONDS.sleep(request.durationMs);
            recording.stop();
            file = Files.createTempFile(FILE_PREFIX, ".jfr");
            recording.dump(file);
            dumped = true;
        } finally {
            if (file != null) {
                try {
                    if (dumped) {
                        read(file, new HashSet<>(events), request, counts);
                    }
                } finally {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** Allocation samples per second JFR may take ({@code jdk.ObjectAllocationSample}'s throttle): 1000 at 20 ms. */
    static int throttle(int intervalMs) {
        return Math.max(1, 20_000 / intervalMs);
    }

    /**
     * Adds the events of {@code wanted} types: a dump holds whatever JFR recorded meanwhile, the events of a recording
     * the host runs too.
     */
    private static void read(Path file, Set<String> wanted, ProfileRequest request, StackCounts counts)
            throws IOException {
        try (RecordingFile in = new RecordingFile(file)) {
            while (in.hasMoreEvents()) {
                RecordedEvent event = in.readEvent();
                if (wanted.contains(event.getEventType().getName())) {
                    add(event, request, counts);
                }
            }
        }
    }

    private static void add(RecordedEvent event, ProfileRequest request, StackCounts counts) {
        String type = event.getEventType().getName();
        RecordedThread thread = type.equals(EXECUTION) ? event.getThread("sampledThread") : event.getThread();
        RecordedStackTrace stack = event.getStackTrace();
        if (thread == null || stack == null) {
            return;
        }
        String name = thread.getJavaName();
        if (name != null && ThreadHandlers.isOwn(thread.getJavaThreadId(), name)) {
            counts.own();
            return;
        }
        if (request.threads != null && (name == null || !Globs.matches(request.threads, name))) {
            return;
        }
        List<String> leafFirst = new ArrayList<>();
        for (RecordedFrame f : stack.getFrames()) {
            String frame = f.getMethod() == null ? null : frame(f.getMethod().getType().getName(), f.getMethod().getName());
            if (frame != null) {
                leafFirst.add(frame);
            }
        }
        List<String> frames = StackCounts.rootFirst(leafFirst, request.maxDepth, stack.isTruncated());
        long weight = 1;
        if (!type.equals(EXECUTION)) {
            RecordedClass allocated = event.getClass("objectClass");
            frames.add("new " + (allocated == null ? "?" : javaName(allocated.getName())));
            weight = type.equals(ALLOCATION_SAMPLE) ? event.getLong("weight")
                    : type.equals(IN_NEW_TLAB) ? event.getLong("tlabSize") : event.getLong("allocationSize");
        }
        counts.add(frames, Math.max(0, weight));
    }

    /**
     * A frame as ThreadMXBean would name it, so that the JVMs of a fleet merge and both samplers agree: null for a
     * lambda's hidden proxy class ({@code Foo$$Lambda$17+0x...}, left out of Java stack traces too), and other hidden
     * classes without the address that differs from JVM to JVM ({@code LambdaForm$DMH/0x...}).
     */
    static String frame(String type, String method) {
        if (type.contains("$$Lambda")) {
            return null;
        }
        return HIDDEN_SUFFIX.matcher(type).replaceFirst("") + "." + method;
    }

    /** {@code byte[]} for {@code [B}, {@code java.lang.String[][]} for {@code [[Ljava/lang/String;}; others as they are. */
    static String javaName(String name) {
        if (!name.startsWith("[")) {
            return name.replace('/', '.');
        }
        int dims = 0;
        while (dims < name.length() && name.charAt(dims) == '[') {
            dims++;
        }
        String element = name.substring(dims);
        String base;
        switch (element) {
            case "B": base = "byte"; break;
            case "C": base = "char"; break;
            case "S": base = "short"; break;
            case "I": base = "int"; break;
            case "J": base = "long"; break;
            case "F": base = "float"; break;
            case "D": base = "double"; break;
            case "Z": base = "boolean"; break;
            default:
                base = element.startsWith("L") && element.endsWith(";")
                        ? element.substring(1, element.length() - 1).replace('/', '.') : element;
        }
        StringBuilder sb = new StringBuilder(base);
        for (int i = 0; i < dims; i++) {
            sb.append("[]");
        }
        return sb.toString();
    }
}

package dev.pidbox.it.realapps;

import dev.pidbox.it.realapps.Shipped.Calls;
import dev.pidbox.it.support.TargetJvm;
import dev.pidbox.spi.JsonValues;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * What a profile of a real application is checked against, none of it pidbox: the JVM's own flight recorder (started
 * with {@code jcmd}, {@link TargetJvm#jcmd}) read with the JDK's {@link RecordingFile}, and Spring Boot's actuator
 * thread dump.
 */
final class ProfileOracles {
    private ProfileOracles() {
    }

    /** The execution samples of a recording: the sampled thread's name, the time, the frames root first. */
    static List<Sample> executionSamples(Path jfr) throws IOException {
        List<Sample> out = new ArrayList<>();
        try (RecordingFile in = new RecordingFile(jfr)) {
            while (in.hasMoreEvents()) {
                RecordedEvent e = in.readEvent();
                if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
                    continue;
                }
                RecordedThread t = e.getThread("sampledThread");
                List<String> frames = new ArrayList<>();
                for (RecordedFrame f : e.getStackTrace().getFrames()) {
                    if (f.getMethod() != null) {
                        frames.add(0, f.getMethod().getType().getName() + "." + f.getMethod().getName());
                    }
                }
                out.add(new Sample(t == null ? "" : String.valueOf(t.getJavaName()), e.getStartTime(), frames));
            }
        }
        return out;
    }

    static final class Sample {
        final String thread;
        final Instant time;
        final List<String> frames;

        Sample(String thread, Instant time, List<String> frames) {
            this.thread = thread;
            this.time = time;
            this.frames = frames;
        }
    }

    /**
     * Spring's {@code GET /actuator/threaddump}: per thread name, its stack root first ({@code class.method}) with its
     * state as the last element, {@code [WAITING]}, the way pidbox's wall profile writes it.
     */
    static Map<String, List<String>> actuatorThreadDump(String baseUrl) throws IOException {
        RealApp.Response r = RealApp.http("GET", baseUrl + "/actuator/threaddump", null);
        if (r.status != 200) {
            throw new AssertionError("GET /actuator/threaddump answered " + r);
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map<String, Object> t : Calls.rows(Calls.map(JsonValues.decode(r.body)).get("threads"))) {
            List<String> frames = new ArrayList<>();
            for (Map<String, Object> f : Calls.rows(t.get("stackTrace"))) {
                frames.add(0, f.get("className") + "." + f.get("methodName"));
            }
            frames.add("[" + t.get("threadState") + "]");
            out.put(String.valueOf(t.get("threadName")), frames);
        }
        return out;
    }
}

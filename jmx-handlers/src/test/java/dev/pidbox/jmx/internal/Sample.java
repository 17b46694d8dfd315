package dev.pidbox.jmx.internal;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

public final class Sample implements SampleMXBean {
    private volatile String name = "first";
    private volatile int count = 3;
    private final AtomicInteger reloads = new AtomicInteger();

    @Override
    public String getName() {
        return name;
    }

    @Override
    public void setName(String name) {
        this.name = name;
    }

    @Override
    public int getCount() {
        return count;
    }

    @Override
    public void setCount(int count) {
        this.count = count;
    }

    @Override
    public long getStarted() {
        return 1234L;
    }

    @Override
    public Endpoint getEndpoint() {
        return new Endpoint("db.local", 5432, Arrays.asList("primary", "writer"));
    }

    @Override
    public Map<String, Integer> getLimits() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("connections", 50);
        m.put("queue", 1000);
        return m;
    }

    @Override
    public List<String> getTags() {
        return Arrays.asList("blue", "green");
    }

    @Override
    public String add(int a) {
        return "add(int) " + (count + a);
    }

    @Override
    public String add(int a, int b) {
        return "add(int,int) " + (a + b);
    }

    @Override
    public String add(String text) {
        return "add(String) " + name + text;
    }

    @Override
    public String scale(double factor) {
        return "scale " + (count * factor);
    }

    @Override
    public int reloadCount() {
        return reloads.get();
    }

    @Override
    public void reload() {
        reloads.incrementAndGet();
    }
}

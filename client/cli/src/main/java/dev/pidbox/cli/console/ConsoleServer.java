package dev.pidbox.cli.console;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pidbox.spi.JsonValues;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The console's HTTP side on the JDK's {@code com.sun.net.httpserver}: one handler that checks the Host, the token
 * or session and the CSRF defence ({@link Access}) before anything else, then routes. Pages and assets come from
 * the jar. Request threads are daemons, at most 64 at once; a request body is at most 1 MiB.
 */
final class ConsoleServer implements AutoCloseable {
    private static final int MAX_BODY = 1 << 20;
    private static final Pattern ASSET = Pattern.compile("[a-z0-9][a-z0-9-]*\\.(js|css|html|svg|png)");
    private static final String ASSETS = "/dev/pidbox/cli/console/";
    /** The flame graph component, shared with {@code pidbox profile --html}'s page, lives with the profile code. */
    private static final Set<String> PROFILE_ASSETS = Set.of("flamegraph.js", "flamegraph.css");
    private static final String PROFILE_DIR = "/dev/pidbox/cli/profile/";
    private static final String SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'"
            + " 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none';"
            + " form-action 'self'";

    private final HttpServer server;
    private final ExecutorService executor;
    private volatile Access access;
    private final Api api;

    /** Binds {@code address}; {@link #access} must be set before {@link #start}. */
    ConsoleServer(InetSocketAddress address, Api api) throws IOException {
        this.api = api;
        this.server = HttpServer.create(address, 64);
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(2, 64, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "pidbox-console-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    void access(Access access) {
        this.access = access;
    }

    void start() {
        Objects.requireNonNull(access, "access");
        server.start();
    }

    InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange ex) {
        try {
            Headers h = ex.getRequestHeaders();
            String host = h.getFirst("Host");
            String path = ex.getRequestURI().getRawPath();
            boolean apiPath = path.startsWith("/api/") || path.equals("/metrics");
            if (!access.hostAllowed(host)) {
                refuse(ex, 403, "the Host header " + host + " is not this console's address", apiPath);
                return;
            }
            Map<String, List<String>> query = query(ex.getRequestURI().getRawQuery());
            String method = ex.getRequestMethod();
            String shown = first(query, "token");
            if (shown != null && !apiPath && method.equals("GET")) {
                if (!access.tokenMatches(shown)) {
                    refuse(ex, 401, "wrong access token", false);
                    return;
                }
                ex.getResponseHeaders().add("Set-Cookie", Access.COOKIE + "=" + access.openSession()
                        + "; Path=/; HttpOnly; SameSite=Strict");
                ex.getResponseHeaders().set("Location", path);
                ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
                ex.sendResponseHeaders(303, -1);
                return;
            }
            Access.Grant grant = access.grant(h.getFirst("Authorization"), h.get("Cookie"), remote(ex));
            if (grant == null) {
                refuse(ex, 401, "this console needs its access token: open the URL it printed at start (with"
                        + " ?token=), or send Authorization: Bearer TOKEN", apiPath);
                return;
            }
            String csrf = Access.csrfRefusal(grant, method, h.getFirst(Access.CSRF_HEADER), h.getFirst("Origin"),
                    host);
            if (csrf != null) {
                refuse(ex, 403, csrf, true);
                return;
            }
            route(ex, method, path, query, grant);
        } catch (ApiError e) {
            refuse(ex, e.status, e.getMessage(), true);
        } catch (IOException e) {
            // the client went away
        } catch (RuntimeException e) {
            refuse(ex, 500, "console error: " + e, true);
        } finally {
            ex.close();
        }
    }

    private void route(HttpExchange ex, String method, String path, Map<String, List<String>> query,
            Access.Grant grant) throws IOException {
        if (path.equals("/") || path.equals("/index.html")) {
            only(method, "GET");
            asset(ex, "index.html");
            return;
        }
        if (path.startsWith("/static/")) {
            only(method, "GET");
            asset(ex, path.substring("/static/".length()));
            return;
        }
        if (path.equals("/metrics")) {
            only(method, "GET");
            send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", api.metrics().getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (path.equals("/api/stream")) {
            only(method, "GET");
            api.stream(ex);
            return;
        }
        if (path.equals("/api/call") || path.equals("/api/rollout")) {
            only(method, "POST");
            Object body = body(ex);
            boolean rollout = path.equals("/api/rollout");
            Object doc = rollout ? api.rollout(body, grant.who()) : api.call(body, grant.who());
            json(ex, rollout ? 202 : 200, doc);
            return;
        }
        if (path.equals("/api/profile")) {
            only(method, "POST");
            json(ex, 200, api.profile(body(ex), grant.who()));
            return;
        }
        only(method, "GET");
        if (path.equals("/api/journal") && "1".equals(first(query, "download"))) {
            ex.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"pidbox-journal.json\"");
        }
        json(ex, 200, api.get(ex.getRequestURI().getPath(), query, grant));
    }

    private static void only(String method, String allowed) {
        if (!method.equals(allowed) && !(allowed.equals("GET") && method.equals("HEAD"))) {
            throw new ApiError(405, method + " is not allowed here; use " + allowed);
        }
    }

    private static Object body(HttpExchange ex) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long total = 0;
        try (InputStream in = ex.getRequestBody()) {
            byte[] buf = new byte[8192];
            int n;
            // Past the limit the rest is read and dropped (up to 16 MiB), so that the client gets the answer.
            while ((n = in.read(buf)) > 0 && total <= 16 * MAX_BODY) {
                total += n;
                if (total <= MAX_BODY) {
                    out.write(buf, 0, n);
                }
            }
        }
        if (total > MAX_BODY) {
            throw new ApiError(413, "the body is larger than 1 MiB");
        }
        if (out.size() == 0) {
            throw new ApiError(400, "the body must be a JSON object, got nothing");
        }
        try {
            return JsonValues.decode(out.toByteArray());
        } catch (IOException e) {
            throw new ApiError(400, "the body is not JSON: " + e.getMessage().split("\n")[0]);
        }
    }

    private void asset(HttpExchange ex, String name) throws IOException {
        if (!ASSET.matcher(name).matches()) {
            throw new ApiError(404, "no such page: " + name);
        }
        byte[] bytes;
        String dir = PROFILE_ASSETS.contains(name) ? PROFILE_DIR : ASSETS;
        try (InputStream in = ConsoleServer.class.getResourceAsStream(dir + name)) {
            if (in == null) {
                throw new ApiError(404, "no such page: " + name);
            }
            bytes = in.readAllBytes();
        }
        String type = switch (name.substring(name.lastIndexOf('.') + 1)) {
            case "js" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "svg" -> "image/svg+xml";
            case "png" -> "image/png";
            default -> "text/html; charset=utf-8";
        };
        send(ex, 200, type, bytes);
    }

    static void json(HttpExchange ex, int status, Object doc) throws IOException {
        send(ex, status, "application/json", JsonValues.encode(doc));
    }

    static void send(HttpExchange ex, int status, String type, byte[] bytes) throws IOException {
        Headers r = ex.getResponseHeaders();
        r.set("Content-Type", type);
        securityHeaders(r);
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : bytes.length == 0 ? -1 : bytes.length);
        if (!head && bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    static void securityHeaders(Headers r) {
        r.set("Cache-Control", "no-store");
        r.set("X-Content-Type-Options", "nosniff");
        r.set("X-Frame-Options", "DENY");
        r.set("Referrer-Policy", "no-referrer");
        r.set("Content-Security-Policy", SECURITY_POLICY);
    }

    private static void refuse(HttpExchange ex, int status, String message, boolean asJson) {
        try {
            if (asJson) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("error", message);
                json(ex, status, doc);
            } else {
                String page = "<!doctype html><html><head><meta charset=\"utf-8\"><title>pidbox console</title></head>"
                        + "<body><h1>pidbox console: " + status + "</h1><p id=\"refusal\">" + escape(message)
                        + "</p></body></html>";
                send(ex, status, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException | RuntimeException e) {
            // headers already sent or the client went away
        }
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String remote(HttpExchange ex) {
        InetSocketAddress a = ex.getRemoteAddress();
        return a == null ? "?" : a.getAddress().getHostAddress();
    }

    static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    static String first(Map<String, List<String>> query, String key) {
        List<String> v = query.get(key);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

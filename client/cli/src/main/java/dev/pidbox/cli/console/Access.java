package dev.pidbox.cli.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Who may use the console. The access token (random unless configured) opens a session: a page opened with
 * {@code ?token=} gets a session cookie and is sent to the same address without the token; scripts send
 * {@code Authorization: Bearer TOKEN}. A request with the cookie that is not a GET or HEAD must also carry the
 * session's CSRF value in {@code X-Pidbox-Csrf} and, if it has an {@code Origin}, the console's own. Bound to a
 * loopback address, the console answers only requests whose {@code Host} is that loopback address, against DNS
 * rebinding. Tokens and session values are compared in constant time.
 */
final class Access {
    static final String COOKIE = "pidbox_console";
    static final String CSRF_HEADER = "X-Pidbox-Csrf";
    private static final int MAX_SESSIONS = 1000;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** How a request proved it may come in. */
    enum Kind { BEARER, COOKIE }

    /** A request that came in: how, the session's CSRF value (cookie sessions), and who, for the audit. */
    record Grant(Kind kind, String csrf, String who) {
    }

    private final byte[] token;
    private final Set<String> allowedHosts;
    /** Session value to its CSRF value and number, oldest first. */
    private final LinkedHashMap<String, String[]> sessions = new LinkedHashMap<>();
    private long opened;

    Access(String token, Set<String> allowedHosts) {
        if (token == null || token.length() < 16) {
            throw new IllegalArgumentException("the console's access token must have at least 16 characters");
        }
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.allowedHosts = allowedHosts;
    }

    public static String randomToken() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Whether the Host header names this console; always true when no host list applies (not on loopback). */
    boolean hostAllowed(String host) {
        return allowedHosts == null || host != null && allowedHosts.contains(host.toLowerCase(Locale.ROOT));
    }

    boolean tokenMatches(String candidate) {
        return candidate != null
                && MessageDigest.isEqual(token, candidate.getBytes(StandardCharsets.UTF_8));
    }

    /** Opens a session for a page that showed the token: the cookie's value. */
    synchronized String openSession() {
        String session = randomToken();
        sessions.put(session, new String[] {randomToken(), Long.toString(++opened)});
        while (sessions.size() > MAX_SESSIONS) {
            sessions.remove(sessions.keySet().iterator().next());
        }
        return session;
    }

    /**
     * The grant of a request with these headers, or null when it showed neither the token nor a session.
     *
     * @param authorization the Authorization header
     * @param cookies every Cookie header
     */
    Grant grant(String authorization, List<String> cookies, String remote) {
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                && tokenMatches(authorization.substring(7).trim())) {
            return new Grant(Kind.BEARER, null, "token holder at " + remote);
        }
        String session = cookie(cookies, COOKIE);
        if (session != null) {
            String[] known = sessionOf(session);
            if (known != null) {
                return new Grant(Kind.COOKIE, known[0], "browser session #" + known[1] + " at " + remote);
            }
        }
        return null;
    }

    private synchronized String[] sessionOf(String session) {
        byte[] given = session.getBytes(StandardCharsets.UTF_8);
        String[] found = null;
        for (Map.Entry<String, String[]> e : sessions.entrySet()) {
            if (MessageDigest.isEqual(e.getKey().getBytes(StandardCharsets.UTF_8), given)) {
                found = e.getValue();
            }
        }
        return found;
    }

    /**
     * Why a state-changing request of a cookie session is refused, or null when it passes: the CSRF header must
     * match and the Origin, when sent, must be the console's own ({@code http://} + Host).
     */
    static String csrfRefusal(Grant grant, String method, String csrfHeader, String origin, String host) {
        if (grant.kind() != Kind.COOKIE || method.equals("GET") || method.equals("HEAD")) {
            return null;
        }
        if (csrfHeader == null || !MessageDigest.isEqual(csrfHeader.getBytes(StandardCharsets.UTF_8),
                grant.csrf().getBytes(StandardCharsets.UTF_8))) {
            return "missing or wrong " + CSRF_HEADER + " header (take it from GET /api/session); a browser session's"
                    + " requests that change something must carry it";
        }
        if (origin != null && !origin.equalsIgnoreCase("http://" + host)) {
            return "cross-origin request from " + origin + " refused";
        }
        return null;
    }

    /** The value of cookie {@code name} in the Cookie headers, or null. */
    static String cookie(List<String> headers, String name) {
        if (headers == null) {
            return null;
        }
        for (String header : headers) {
            for (String part : header.split(";")) {
                String p = part.trim();
                int eq = p.indexOf('=');
                if (eq > 0 && p.substring(0, eq).equals(name)) {
                    return p.substring(eq + 1);
                }
            }
        }
        return null;
    }
}

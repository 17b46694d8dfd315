package dev.pidbox.security;

import dev.pidbox.MatchType;
import dev.pidbox.internal.Matchers;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Which RabbitMQ user may answer for which nodes: authentic replies. RabbitMQ refuses a message whose
 * {@code user_id} property is not the user the publishing connection logged in as, so a reply that carries
 * {@code user_id} U was published by a connection of U. With one broker user per host (natural with certificate
 * login, where the user is the certificate's CN) and nodes that set {@code user_id} on their replies (agent option
 * {@code reply-user-id}), a client that knows this map accepts a reply claiming node N only when its user may answer
 * for N; any other is a forgery, reported and never counted as N's answer.
 *
 * <p>File form (properties): {@code user = node glob; node glob}, for example
 * {@code pidbox-web1 = *@web1} and {@code pidbox-batch = *@batch1; *@batch2}.
 */
public final class ReplyUsers {
    private final Map<String, List<String>> globs;

    private ReplyUsers(Map<String, List<String>> globs) {
        this.globs = globs;
    }

    /** From a map of user to node-name globs. */
    public static ReplyUsers of(Map<String, List<String>> userToNodeGlobs) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : userToNodeGlobs.entrySet()) {
            copy.put(e.getKey(), Collections.unmodifiableList(new ArrayList<>(e.getValue())));
        }
        return new ReplyUsers(Collections.unmodifiableMap(copy));
    }

    /**
     * Reads a properties file of {@code user = glob; glob}.
     *
     * @throws IllegalArgumentException when the file cannot be read or maps a user to no glob
     */
    public static ReplyUsers load(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read reply users file " + file + ": " + e.getMessage(), e);
        }
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (String user : p.stringPropertyNames()) {
            List<String> list = new ArrayList<>();
            for (String g : p.getProperty(user).split("[;,]")) {
                if (!g.trim().isEmpty()) {
                    list.add(g.trim());
                }
            }
            if (list.isEmpty()) {
                throw new IllegalArgumentException("reply users file " + file + ": user '" + user
                        + "' may answer for no node (give node name globs separated by ';')");
            }
            map.put(user, list);
        }
        if (map.isEmpty()) {
            throw new IllegalArgumentException("reply users file " + file + " names no user");
        }
        return of(map);
    }

    /**
     * Null when a reply for {@code node} published by broker user {@code userId} is authentic; else why it is not.
     */
    public String check(String node, String userId) {
        if (userId == null || userId.isEmpty()) {
            return "it carries no user_id, so any broker user could have sent it (nodes set it with reply-user-id)";
        }
        List<String> allowed = globs.get(userId);
        if (allowed == null) {
            return "it was published by broker user '" + userId + "', who may answer for no node";
        }
        for (String g : allowed) {
            if (Matchers.matches(MatchType.GLOB, g, node)) {
                return null;
            }
        }
        return "it was published by broker user '" + userId + "', who may answer only for " + allowed;
    }

    @Override
    public String toString() {
        return "ReplyUsers" + globs;
    }
}

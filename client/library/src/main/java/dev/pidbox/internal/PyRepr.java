package dev.pidbox.internal;

/**
 * Formats errors the way a Python peer does, {@code Type('message')}, so that a mixed fleet reports
 * errors in one shape: {@code repr()} of an exception whose only argument is a string.
 */
public final class PyRepr {
    private PyRepr() {
    }

    /** {@code Type('message')}, or {@code Type()} when the message is null. */
    public static String error(String type, String message) {
        return message == null ? type + "()" : type + "(" + string(message) + ")";
    }

    /** The error text of a Java exception: its simple class name and message. */
    public static String error(Throwable t) {
        String type = t.getClass().getSimpleName();
        if (type.isEmpty()) {
            type = t.getClass().getName();
        }
        return error(type, t.getMessage());
    }

    /** Python's {@code repr()} of a str: single quotes unless the text has a single quote and no double quote. */
    public static String string(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder out = new StringBuilder(s.length() + 2);
        out.append(quote);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == quote || c == '\\') {
                out.append('\\').append(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = s.codePointAt(i);
                if (printable(cp)) {
                    out.appendCodePoint(cp);
                } else {
                    out.append(String.format("\\U%08x", cp));
                }
                i++;
            } else if (!printable(c)) {
                out.append(c < 0x100 ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append(quote).toString();
    }

    /** Python's {@code str.isprintable()} for one code point: not a control, format, separator or unassigned. */
    private static boolean printable(int cp) {
        if (cp == ' ') {
            return true;
        }
        switch (Character.getType(cp)) {
            case Character.CONTROL:
            case Character.FORMAT:
            case Character.SURROGATE:
            case Character.PRIVATE_USE:
            case Character.UNASSIGNED:
            case Character.LINE_SEPARATOR:
            case Character.PARAGRAPH_SEPARATOR:
            case Character.SPACE_SEPARATOR:
                return false;
            default:
                return true;
        }
    }
}

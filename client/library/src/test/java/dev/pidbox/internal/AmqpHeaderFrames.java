package dev.pidbox.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.impl.Frame;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the AMQP 0-9-1 field-table type tags ({@code 'I'}, {@code 'd'}, {@code 'S'}, ...) of the
 * {@code headers} property out of the content header frame that amqp-client's own writer produces for a
 * set of basic properties. This is what a Python peer's py-amqp sees on the socket.
 */
final class AmqpHeaderFrames {
    private static final int BASIC_CLASS_ID = 60;
    private static final int FLAG_CONTENT_TYPE = 0x8000;
    private static final int FLAG_CONTENT_ENCODING = 0x4000;
    private static final int FLAG_HEADERS = 0x2000;

    private AmqpHeaderFrames() {
    }

    /** Header name to its field type tag, in wire order. Empty when the frame has no headers property. */
    static Map<String, Character> headerTypeTags(AMQP.BasicProperties props) {
        try {
            Frame frame = props.toFrame(1, 0);
            if (frame.getType() != AMQP.FRAME_HEADER) {
                throw new IllegalStateException("not a content header frame: " + frame.getType());
            }
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(frame.getPayload()));
            int classId = in.readUnsignedShort();
            if (classId != BASIC_CLASS_ID) {
                throw new IllegalStateException("not a basic content header: class " + classId);
            }
            in.readUnsignedShort(); // weight
            in.readLong(); // body size
            int flags = in.readUnsignedShort();
            if ((flags & FLAG_CONTENT_TYPE) != 0) {
                readShortstr(in);
            }
            if ((flags & FLAG_CONTENT_ENCODING) != 0) {
                readShortstr(in);
            }
            Map<String, Character> tags = new LinkedHashMap<>();
            if ((flags & FLAG_HEADERS) == 0) {
                return tags;
            }
            byte[] table = new byte[in.readInt()];
            in.readFully(table);
            DataInputStream t = new DataInputStream(new ByteArrayInputStream(table));
            while (t.available() > 0) {
                String name = readShortstr(t);
                char tag = (char) t.readUnsignedByte();
                tags.put(name, tag);
                skipValue(t, tag);
            }
            return tags;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readShortstr(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readUnsignedByte()];
        in.readFully(b);
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void skipValue(DataInputStream in, char tag) throws IOException {
        switch (tag) {
            case 'S':
            case 'x':
            case 'F':
            case 'A':
                in.skipBytes(in.readInt());
                break;
            case 'I':
            case 'i':
            case 'f':
                in.skipBytes(4);
                break;
            case 'l':
            case 'd':
            case 'T':
                in.skipBytes(8);
                break;
            case 's':
                in.skipBytes(2);
                break;
            case 'b':
            case 'B':
            case 't':
                in.skipBytes(1);
                break;
            case 'D':
                in.skipBytes(5);
                break;
            case 'V':
                break;
            default:
                throw new IllegalStateException("unknown field type tag '" + tag + "'");
        }
    }
}

package io.meshgate.proxy.robustness;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Valid frontend frames of PostgreSQL protocol 3.0, written from the protocol documentation and
 * independently of Meshgate's own encoders, so the robustness tests do not inherit their bugs.
 */
public final class FrontendFrames {
  public static final int PROTOCOL_3_0 = 3 << 16;
  public static final int SSL_REQUEST_CODE = 80877103;
  public static final int GSSENC_REQUEST_CODE = 80877104;
  public static final int CANCEL_REQUEST_CODE = 80877102;

  private FrontendFrames() {}

  public static Frame startup(String user, String database) {
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("user", user);
    parameters.put("database", database);
    parameters.put("client_encoding", "UTF8");
    parameters.put("application_name", "meshgate-fuzz");
    return startup(PROTOCOL_3_0, parameters);
  }

  public static Frame startup(int protocolVersion, Map<String, String> parameters) {
    FrameWriter body = new FrameWriter().int32(protocolVersion);
    parameters.forEach((name, value) -> body.cString(name).cString(value));
    return untyped(body.int8(0).toBytes());
  }

  public static Frame sslRequest() {
    return untyped(new FrameWriter().int32(SSL_REQUEST_CODE).toBytes());
  }

  public static Frame gssEncRequest() {
    return untyped(new FrameWriter().int32(GSSENC_REQUEST_CODE).toBytes());
  }

  public static Frame cancelRequest(int processId, byte[] secretKey) {
    return untyped(new FrameWriter().int32(CANCEL_REQUEST_CODE).int32(processId).bytes(secretKey).toBytes());
  }

  public static Frame password(String password) {
    return typed('p', new FrameWriter().cString(password).toBytes());
  }

  public static Frame saslInitialResponse(String mechanism, byte[] data) {
    return typed('p', new FrameWriter().cString(mechanism).int32(data.length).bytes(data).toBytes());
  }

  public static Frame saslResponse(byte[] data) {
    return typed('p', data);
  }

  public static Frame query(String sql) {
    return typed('Q', new FrameWriter().cString(sql).toBytes());
  }

  public static Frame parse(String statementName, String sql, int... parameterTypes) {
    FrameWriter body = new FrameWriter().cString(statementName).cString(sql).int16(parameterTypes.length);
    for (int type : parameterTypes) {
      body.int32(type);
    }
    return typed('P', body.toBytes());
  }

  /** Bind with text parameters ({@code null} for SQL NULL) and text results. */
  public static Frame bind(String portalName, String statementName, List<String> parameters) {
    FrameWriter body = new FrameWriter().cString(portalName).cString(statementName).int16(0).int16(parameters.size());
    for (String parameter : parameters) {
      if (parameter == null) {
        body.int32(-1);
      } else {
        byte[] value = parameter.getBytes(StandardCharsets.UTF_8);
        body.int32(value.length).bytes(value);
      }
    }
    return typed('B', body.int16(0).toBytes());
  }

  public static Frame describe(char target, String name) {
    return typed('D', new FrameWriter().int8(target).cString(name).toBytes());
  }

  public static Frame execute(String portalName, int maxRows) {
    return typed('E', new FrameWriter().cString(portalName).int32(maxRows).toBytes());
  }

  public static Frame close(char target, String name) {
    return typed('C', new FrameWriter().int8(target).cString(name).toBytes());
  }

  public static Frame sync() {
    return typed('S', new byte[0]);
  }

  public static Frame flush() {
    return typed('H', new byte[0]);
  }

  public static Frame terminate() {
    return typed('X', new byte[0]);
  }

  public static Frame copyData(byte[] data) {
    return typed('d', data);
  }

  public static Frame copyDone() {
    return typed('c', new byte[0]);
  }

  public static Frame copyFail(String message) {
    return typed('f', new FrameWriter().cString(message).toBytes());
  }

  /** FunctionCall of {@code oid} with no arguments and a text result. */
  public static Frame functionCall(int oid) {
    return typed('F', new FrameWriter().int32(oid).int16(0).int16(0).int16(0).toBytes());
  }

  public static Frame typed(char type, byte[] body) {
    return new Frame(true, new FrameWriter().int8(type).int32(body.length + 4).bytes(body).toBytes());
  }

  private static Frame untyped(byte[] body) {
    return new Frame(false, new FrameWriter().int32(body.length + 4).bytes(body).toBytes());
  }

  /** The frames one after another, as a client would write them. */
  public static byte[] concat(List<Frame> frames) {
    FrameWriter stream = new FrameWriter();
    frames.forEach(frame -> stream.bytes(frame.bytes()));
    return stream.toBytes();
  }

  /** Big-endian fields, as the protocol writes them. */
  static final class FrameWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    FrameWriter int8(int value) {
      out.write(value);
      return this;
    }

    FrameWriter int16(int value) {
      out.write(value >>> 8);
      out.write(value);
      return this;
    }

    FrameWriter int32(int value) {
      return int16(value >>> 16).int16(value);
    }

    FrameWriter bytes(byte[] value) {
      out.writeBytes(value);
      return this;
    }

    FrameWriter cString(String value) {
      return bytes(value.getBytes(StandardCharsets.UTF_8)).int8(0);
    }

    byte[] toBytes() {
      return out.toByteArray();
    }
  }
}

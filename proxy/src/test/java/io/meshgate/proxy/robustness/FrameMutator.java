package io.meshgate.proxy.robustness;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * Hostile variants of valid frame sequences, reproducible from the {@link Random} passed in:
 * structural damage first (length fields, type bytes, frames dropped, doubled or swapped), then
 * byte damage on the whole stream (bit flips, truncation, insertions, deletions, overwrites).
 */
public final class FrameMutator {
  /** Length values that sit on the decoder's boundaries (and a few that cannot be lengths at all). */
  private static final int[] INTERESTING_LENGTHS = {
    0, 1, 3, 4, 5, 7, 8, 9, 255, 256, 1023, 1024, 4095, 4096, 4097, 9_999, 10_000, 10_001, 65_535, 65_536,
    1 << 20, 64 << 20, (64 << 20) + 1, 0x00FF_FFFF, Integer.MAX_VALUE, Integer.MIN_VALUE, -1, -4, -5
  };

  /** Every frontend type, some backend types, NUL, 0xFF and printable noise. */
  private static final byte[] INTERESTING_TYPES =
      "QPBEDCSHXpFdcfGRTZNvAK1 ?".concat("\0\u00ff").getBytes(StandardCharsets.ISO_8859_1);

  /** A damaged stream and what was done to it, for the failure message. */
  public record Mutated(byte[] stream, String description) {
    public Mutated {
      stream = requireNonNull(stream, "stream is null").clone();
      requireNonNull(description, "description is null");
    }

    @Override
    public byte[] stream() {
      return stream.clone();
    }

    @Override
    public String toString() {
      return description + " -> " + HexFormat.of().formatHex(stream);
    }
  }

  private FrameMutator() {}

  /** One to three mutations of {@code frames}. */
  public static Mutated mutate(List<Frame> frames, Random random) {
    List<Frame> damaged = new ArrayList<>(frames);
    StringBuilder description = new StringBuilder();
    int structural = random.nextInt(3);
    for (int i = 0; i < structural && !damaged.isEmpty(); i++) {
      description.append(mutateStructure(damaged, random)).append("; ");
    }
    byte[] stream = FrontendFrames.concat(damaged);
    int byteLevel = structural == 0 ? 1 + random.nextInt(2) : random.nextInt(2);
    for (int i = 0; i < byteLevel; i++) {
      MutatedBytes result = mutateBytes(stream, random);
      stream = result.stream();
      description.append(result.description()).append("; ");
    }
    return new Mutated(stream, description.toString());
  }

  /** Uniformly random bytes: mostly refused at the first length field. */
  public static byte[] randomBytes(Random random, int maximumLength) {
    byte[] bytes = new byte[random.nextInt(maximumLength + 1)];
    random.nextBytes(bytes);
    return bytes;
  }

  /** Frames with consistent headers but random types and bodies: they get past the framing. */
  public static List<Frame> randomFrames(Random random, int count) {
    List<Frame> frames = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] body = randomBytes(random, random.nextInt(4) == 0 ? 300 : 12);
      if (random.nextBoolean() && body.length > 0) {
        body[body.length - 1] = 0; // a terminated string now and then gets deeper into the decoder
      }
      frames.add(FrontendFrames.typed((char) (INTERESTING_TYPES[random.nextInt(INTERESTING_TYPES.length)] & 0xFF), body));
    }
    return frames;
  }

  private static String mutateStructure(List<Frame> frames, Random random) {
    int index = random.nextInt(frames.size());
    Frame frame = frames.get(index);
    byte[] bytes = frame.bytes();
    switch (random.nextInt(5)) {
      case 0 -> {
        int length = random.nextInt(3) == 0
            ? frame.size() - frame.lengthOffset() + random.nextInt(9) - 4
            : INTERESTING_LENGTHS[random.nextInt(INTERESTING_LENGTHS.length)];
        writeInt(bytes, frame.lengthOffset(), length);
        frames.set(index, new Frame(frame.typed(), bytes));
        return "length of frame " + index + " set to " + length;
      }
      case 1 -> {
        if (!frame.typed()) {
          // An untyped frame has a request code or protocol version where a typed one has its type.
          int code = random.nextInt(4) == 0 ? random.nextInt() : (random.nextInt(4) << 16) | random.nextInt(3);
          writeInt(bytes, 4, code);
          frames.set(index, new Frame(false, bytes));
          return "code of untyped frame " + index + " set to " + code;
        }
        byte type = INTERESTING_TYPES[random.nextInt(INTERESTING_TYPES.length)];
        bytes[0] = random.nextInt(4) == 0 ? (byte) random.nextInt(256) : type;
        frames.set(index, new Frame(true, bytes));
        return "type of frame " + index + " set to 0x" + Integer.toHexString(bytes[0] & 0xFF);
      }
      case 2 -> {
        frames.add(index, frame);
        return "frame " + index + " doubled";
      }
      case 3 -> {
        frames.remove(index);
        return "frame " + index + " dropped";
      }
      default -> {
        int other = random.nextInt(frames.size());
        frames.set(index, frames.get(other));
        frames.set(other, frame);
        return "frames " + index + " and " + other + " swapped";
      }
    }
  }

  private record MutatedBytes(byte[] stream, String description) {}

  private static MutatedBytes mutateBytes(byte[] stream, Random random) {
    if (stream.length == 0) {
      byte[] noise = randomBytes(random, 16);
      return new MutatedBytes(noise, "replaced by " + noise.length + " random bytes");
    }
    int position = random.nextInt(stream.length);
    switch (random.nextInt(5)) {
      case 0 -> {
        byte[] flipped = stream.clone();
        int flips = 1 + random.nextInt(4);
        List<Integer> bits = new ArrayList<>();
        for (int i = 0; i < flips; i++) {
          int bit = random.nextInt(flipped.length * 8);
          flipped[bit / 8] ^= (byte) (1 << (bit % 8));
          bits.add(bit);
        }
        return new MutatedBytes(flipped, "bits " + bits + " flipped");
      }
      case 1 -> {
        return new MutatedBytes(Arrays.copyOf(stream, position), "truncated to " + position + " bytes");
      }
      case 2 -> {
        byte[] noise = randomBytes(random, 1 + random.nextInt(24));
        byte[] longer = new byte[stream.length + noise.length];
        System.arraycopy(stream, 0, longer, 0, position);
        System.arraycopy(noise, 0, longer, position, noise.length);
        System.arraycopy(stream, position, longer, position + noise.length, stream.length - position);
        return new MutatedBytes(longer, noise.length + " random bytes inserted at " + position);
      }
      case 3 -> {
        int count = Math.min(stream.length - position, 1 + random.nextInt(8));
        byte[] shorter = new byte[stream.length - count];
        System.arraycopy(stream, 0, shorter, 0, position);
        System.arraycopy(stream, position + count, shorter, position, stream.length - position - count);
        return new MutatedBytes(shorter, count + " bytes deleted at " + position);
      }
      default -> {
        byte[] overwritten = stream.clone();
        int count = Math.min(stream.length - position, 1 + random.nextInt(8));
        for (int i = 0; i < count; i++) {
          overwritten[position + i] = (byte) random.nextInt(256);
        }
        return new MutatedBytes(overwritten, count + " bytes overwritten at " + position);
      }
    }
  }

  private static void writeInt(byte[] bytes, int offset, int value) {
    bytes[offset] = (byte) (value >>> 24);
    bytes[offset + 1] = (byte) (value >>> 16);
    bytes[offset + 2] = (byte) (value >>> 8);
    bytes[offset + 3] = (byte) value;
  }
}

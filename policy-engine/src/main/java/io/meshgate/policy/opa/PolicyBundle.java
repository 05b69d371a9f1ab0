package io.meshgate.policy.opa;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.command.CommandResult;
import io.meshgate.policy.command.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * An OPA bundle (a gzipped tar of the policies, the data and a {@code .manifest}) built by {@code
 * opa build} from a {@link PolicySnapshot}, whose manifest revision is the snapshot's {@link
 * PolicyRevision}. {@code opa build} compiles every module, so a bundle that exists at least
 * parses and type-checks as OPA itself will load it.
 */
public final class PolicyBundle {

  public static final Duration DEFAULT_BUILD_TIMEOUT = Duration.ofMinutes(1);

  private final String revision;
  private final byte[] content;

  private PolicyBundle(String revision, byte[] content) {
    this.revision = revision;
    this.content = content;
  }

  /**
   * Builds the bundle of {@code snapshot} with {@code opa build --bundle}.
   *
   * @throws PolicyBundleException if OPA rejects the policies (its output says where), does not
   *     finish within {@code timeout}, or cannot be run
   * @throws InterruptedException if interrupted while OPA runs; OPA is killed
   */
  public static PolicyBundle build(Path opaBinary, PolicySnapshot snapshot, Duration timeout)
      throws PolicyBundleException, InterruptedException {
    requireNonNull(opaBinary, "opaBinary is null");
    requireNonNull(snapshot, "snapshot is null");
    requireNonNull(timeout, "timeout is null");
    Path output = null;
    try {
      // Outside the snapshot, so the bundle is not read back into itself.
      output = Files.createTempFile("meshgate-bundle-", ".tar.gz");
      CommandResult result =
          CommandRunner.run(
              List.of(
                  opaBinary.toString(),
                  "build",
                  "--bundle",
                  "--revision",
                  snapshot.revision(),
                  "--output",
                  output.toString(),
                  // Relative, so OPA's messages name files as the domain owners know them.
                  "."),
              snapshot.directory(),
              timeout);
      if (result.timedOut()) {
        throw new PolicyBundleException(
            "opa build did not finish within " + timeout.toSeconds() + " s", result.output());
      }
      if (!result.succeeded()) {
        throw new PolicyBundleException("opa build failed with exit code " + result.exitCode(), result.output());
      }
      return new PolicyBundle(snapshot.revision(), Files.readAllBytes(output));
    } catch (PolicyBundleException e) {
      throw e;
    } catch (IOException e) {
      throw new PolicyBundleException("could not run " + opaBinary + " build: " + e.getMessage(), e);
    } finally {
      if (output != null) {
        try {
          Files.deleteIfExists(output);
        } catch (IOException e) {
          // A leftover temporary file costs disk space, not correctness.
        }
      }
    }
  }

  /** A bundle from bytes made elsewhere; for tests of what OPA does with a bad bundle. */
  static PolicyBundle of(String revision, byte[] content) {
    return new PolicyBundle(requireNonNull(revision, "revision is null"), requireNonNull(content, "content is null").clone());
  }

  /** The manifest revision: {@link PolicyRevision} of the folder it was built from. */
  public String revision() {
    return revision;
  }

  /** The bytes of the gzipped tar, a copy. */
  public byte[] content() {
    return content.clone();
  }

  /** The content without a copy, for the bundle server that writes it out as is. */
  byte[] contentForServing() {
    return content;
  }

  @Override
  public String toString() {
    return "PolicyBundle[revision=" + revision + ", " + content.length + " bytes]";
  }
}

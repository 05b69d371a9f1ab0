package io.meshgate.loadtests.systems;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The Meshgate commit a benchmark measured, read with git without changing anything. */
public final class SourceRevision {
  private SourceRevision() {}

  /** "commit abcdef123456" plus "with uncommitted changes" when tracked files differ from it; "unknown" without git. */
  public static String describe(Path repositoryRoot) {
    String commit = git(repositoryRoot, "rev-parse", "--short=12", "HEAD");
    if (commit.isEmpty()) {
      return "unknown (not a git checkout, or git is missing)";
    }
    String changes = git(repositoryRoot, "status", "--porcelain", "--untracked-files=no");
    return "commit " + commit + (changes.isEmpty() ? "" : " with uncommitted changes");
  }

  private static String git(Path repositoryRoot, String... arguments) {
    List<String> command = new ArrayList<>(List.of("git", "-C", repositoryRoot.toString()));
    command.addAll(List.of(arguments));
    try {
      Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        return "";
      }
      return output;
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}

package io.meshgate.policy.opa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LoopbackListenerTest {
  private static final List<String> PROC_NET_TCP = List.of(
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
      "   0: 0100007F:1D0C 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 41321 1 0",
      "   1: 0100007F:D431 0100007F:1D0C 01 00000000:00000000 00:00000000 00000000     0        0 55555 1 0",
      "   2: 00000000:D431 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 66666 1 0");

  @Test
  void findsTheSocketListeningOnTheLoopbackPort() {
    assertEquals(Optional.of("41321"), LoopbackListener.listeningSocketInode(PROC_NET_TCP, 7436));
  }

  @Test
  void findsADualStackSocketListeningOnTheMappedLoopbackAddress() {
    List<String> tcp6 = List.of(
        "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
        "   0: 0000000000000000FFFF00000100007F:1D0C 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 77777 1 0");
    assertEquals(Optional.of("77777"), LoopbackListener.listeningSocketInode(tcp6, 7436));
  }

  @Test
  void aConnectionFromThePortOrAListenerOnAnotherAddressIsNotIt() {
    // 0xD431 = 54321: line 1 is a connection from it, line 2 listens on 0.0.0.0
    assertEquals(Optional.empty(), LoopbackListener.listeningSocketInode(PROC_NET_TCP, 54321));
    assertEquals(Optional.empty(), LoopbackListener.listeningSocketInode(PROC_NET_TCP, 5432));
  }

  @Test
  void tellsThisProcessFromAnotherOnARealSocket() throws Exception {
    assumeTrue(LoopbackListener.canTell(), "needs Linux's /proc");
    long self = ProcessHandle.current().pid();
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = socket.getLocalPort();
      assertTrue(LoopbackListener.isHeldBy(self, port));
      assertFalse(LoopbackListener.isHeldBy(ProcessHandle.current().parent().orElseThrow().pid(), port));
    }
  }
}

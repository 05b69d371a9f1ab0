package io.meshgate.proxy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** pgjdbc logins as a demo user (password = user name), without TLS, as the mesh extensions give them. */
final class DemoLogins {
  private DemoLogins() {}

  /** {@code extraProperties} are pgjdbc properties as name, value pairs, e.g. "preferQueryMode", "simple". */
  static Connection connect(String jdbcUrl, String user, String... extraProperties) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    properties.setProperty("password", user);
    properties.setProperty("sslmode", "disable");
    for (int index = 0; index < extraProperties.length; index += 2) {
      properties.setProperty(extraProperties[index], extraProperties[index + 1]);
    }
    return DriverManager.getConnection(jdbcUrl, properties);
  }
}

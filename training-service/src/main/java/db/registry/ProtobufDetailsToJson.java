package db.registry;

import com.google.protobuf.InvalidProtocolBufferException;
import io.propensity.training.grpc.VersionDetailsProtoMapper;
import io.propensity.training.registry.jdbc.VersionDetailsJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import propensity.registry.v1.ModelVersion;

/**
 * Converts the details of the versions registered before schema version 2, stored as a serialized
 * registry.v1.ModelVersion, to the registry's own JSON document, through the same mapping the
 * registry applies to a ModelVersion registered today. A row whose bytes are not a ModelVersion
 * stops the migration with a message naming it (the registry then refuses to start, and the
 * database is left as it was): it is never converted to empty details.
 */
public abstract class ProtobufDetailsToJson extends BaseJavaMigration {
  @Override
  public void migrate(Context context) throws SQLException {
    Connection c = context.getConnection();
    try (PreparedStatement select =
            c.prepareStatement(
                "SELECT name, version, details FROM model_versions WHERE details_json IS NULL");
        PreparedStatement update =
            c.prepareStatement(
                "UPDATE model_versions SET details_json = ? WHERE name = ? AND version = ?");
        ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        String name = rs.getString("name");
        long version = rs.getLong("version");
        update.setString(
            1, VersionDetailsJson.write(details(rs.getBytes("details"), name, version)));
        update.setString(2, name);
        update.setLong(3, version);
        update.executeUpdate();
      }
    }
  }

  private static io.propensity.training.registry.VersionDetails details(
      byte[] stored, String name, long version) {
    try {
      return VersionDetailsProtoMapper.toDetails(ModelVersion.parseFrom(stored));
    } catch (InvalidProtocolBufferException e) {
      throw new FlywayException(
          "version "
              + version
              + " of model '"
              + name
              + "' cannot be converted: its stored details are not a registry.v1.ModelVersion ("
              + e.getMessage()
              + "); restore the row from a backup, or delete the version, and start again",
          e);
    }
  }
}

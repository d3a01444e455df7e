package io.propensity.engine.features;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The fixed device vocabulary; the ordinal is the value of the {@code dominant_device_30d} feature.
 * Append only, never reorder: the order is part of the feature definition (at most 8 entries, the
 * online state keeps 3 bits).
 */
public enum DeviceClass {
  /** No device given. */
  UNKNOWN(Set.of()),
  /** desktop, pc, computer, laptop, web. */
  DESKTOP(Set.of("desktop", "pc", "computer", "laptop", "web")),
  /** mobile, phone, smartphone, mobile_web, mobile web, mweb. */
  MOBILE(Set.of("mobile", "phone", "smartphone", "mobile_web", "mobile web", "mweb")),
  /** tablet, ipad. */
  TABLET(Set.of("tablet", "ipad")),
  /** app, ios, android, mobile_app, ios_app, android_app. */
  APP(Set.of("app", "ios", "android", "mobile_app", "ios_app", "android_app")),
  /** Any other given value. */
  OTHER(Set.of());

  private final Set<String> names;

  DeviceClass(Set<String> names) {
    this.names = names;
  }

  /** The class of a tracker's device value: case and surrounding blanks are ignored. */
  public static DeviceClass of(Optional<String> device) {
    if (device.isEmpty() || device.get().isBlank()) {
      return UNKNOWN;
    }
    String d = device.get().trim().toLowerCase(Locale.ROOT);
    for (DeviceClass c : values()) {
      if (c.names.contains(d)) {
        return c;
      }
    }
    return OTHER;
  }

  /** Phone, tablet or app: what {@code mobile_share_30d} counts. */
  public boolean isHandheld() {
    return this == MOBILE || this == TABLET || this == APP;
  }
}

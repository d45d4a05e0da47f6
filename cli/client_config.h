// redflagctl's optional config file, so that an operator's certificate and
// the daemon's address need not be typed on every command:
//
//   addr: redflagd.example.internal:50051
//   ca: /etc/redflagd/tls/ca.crt
//   cert: ~/.config/redflagctl/alice.crt   (relative paths: from the file's folder)
//   key: ~/.config/redflagctl/alice.key
//   server_name: redflagd
//   timeout: 60s
//
// Read from --config FILE, else $REDFLAGCTL_CONFIG, else
// $XDG_CONFIG_HOME/redflagctl/config.yaml (~/.config/...) when it exists.
// Environment variables override it, flags override both.
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace redflag::cli {

struct ClientConfig {
  std::string addr, ca, cert, key, server_name;
  std::optional<absl::Duration> timeout;
};

// The file's settings; an unknown key, a value that is not a string or an
// unreadable file is an error naming the file and the key.
absl::StatusOr<ClientConfig> ReadClientConfig(const std::string& file);

// $REDFLAGCTL_CONFIG, else the XDG location; empty when neither names a
// file that exists (the file is optional).
std::string DefaultClientConfigPath();

}  // namespace redflag::cli

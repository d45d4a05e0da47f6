#include "cli/client_config.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>

#include "absl/strings/str_cat.h"

namespace redflag::cli {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

// "~/x" from $HOME; a relative path from the config file's folder.
std::string Resolve(const std::string& path, const std::filesystem::path& base) {
  if (path.rfind("~/", 0) == 0 && !Env("HOME").empty()) return Env("HOME") + path.substr(1);
  const std::filesystem::path p(path);
  return p.is_absolute() ? path : (base / p).string();
}

}  // namespace

absl::StatusOr<ClientConfig> ReadClientConfig(const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(file);
  } catch (const YAML::BadFile&) {
    return absl::InvalidArgumentError(absl::StrCat(file, ": cannot be read"));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(file, ":", e.mark.line + 1, ": not YAML: ", e.msg));
  }
  ClientConfig out;
  if (root.IsNull()) return out;
  if (!root.IsMap())
    return absl::InvalidArgumentError(absl::StrCat(file, ": not a map of settings"));
  const std::filesystem::path base = std::filesystem::path(file).parent_path();
  for (const auto& kv : root) {
    const std::string key = kv.first.as<std::string>();
    if (!kv.second.IsScalar()) {
      return absl::InvalidArgumentError(absl::StrCat(file, ": ", key, ": must be a string"));
    }
    const std::string value = kv.second.as<std::string>();
    if (key == "addr") {
      out.addr = value;
    } else if (key == "ca") {
      out.ca = Resolve(value, base);
    } else if (key == "cert") {
      out.cert = Resolve(value, base);
    } else if (key == "key") {
      out.key = Resolve(value, base);
    } else if (key == "server_name") {
      out.server_name = value;
    } else if (key == "timeout") {
      absl::Duration d;
      if (!absl::ParseDuration(value, &d) || d <= absl::ZeroDuration()) {
        return absl::InvalidArgumentError(
            absl::StrCat(file, ": timeout: must be a duration such as 30s, got '", value, "'"));
      }
      out.timeout = d;
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          file, ": unknown key '", key, "' (addr, ca, cert, key, server_name, timeout)"));
    }
  }
  return out;
}

std::string DefaultClientConfigPath() {
  if (std::string p = Env("REDFLAGCTL_CONFIG"); !p.empty()) return p;
  std::string dir = Env("XDG_CONFIG_HOME");
  if (dir.empty() && !Env("HOME").empty()) dir = Env("HOME") + "/.config";
  if (dir.empty()) return "";
  const std::string p = dir + "/redflagctl/config.yaml";
  std::error_code ec;
  return std::filesystem::exists(p, ec) ? p : "";
}

}  // namespace redflag::cli

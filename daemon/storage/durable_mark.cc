#include "daemon/storage/durable_mark.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace redflag {
namespace {

constexpr absl::string_view kPrefix = "durable_sequence ";

}  // namespace

absl::StatusOr<std::optional<uint64_t>> ReadDurableMark(const std::string& dir) {
  const std::string path = absl::StrCat(dir, "/", kDurableMarkFile);
  std::ifstream in(path);
  if (!in) return std::optional<uint64_t>();
  std::stringstream text;
  text << in.rdbuf();
  const std::string content = text.str();
  absl::string_view v = absl::StripTrailingAsciiWhitespace(content);
  uint64_t seq = 0;
  if (!absl::ConsumePrefix(&v, kPrefix) || !absl::SimpleAtoi(v, &seq)) {
    return absl::DataLossError(absl::StrCat(path, ": unreadable ('", content.substr(0, 64),
                                            "'); delete it to start without the check"));
  }
  return std::optional<uint64_t>(seq);
}

absl::Status WriteDurableMark(const std::string& dir, uint64_t sequence) {
  const std::string path = absl::StrCat(dir, "/", kDurableMarkFile);
  const std::string tmp = path + ".tmp";
  const std::string text = absl::StrCat(kPrefix, sequence, "\n");
  const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return absl::UnavailableError(absl::StrCat(tmp, ": ", std::strerror(errno)));
  const bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  fdatasync(fd) == 0;
  const int err = errno;
  close(fd);
  if (!ok || rename(tmp.c_str(), path.c_str()) != 0) {
    unlink(tmp.c_str());
    return absl::UnavailableError(absl::StrCat(path, ": ", std::strerror(ok ? errno : err)));
  }
  return absl::OkStatus();
}

}  // namespace redflag

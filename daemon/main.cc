// redflagd: export-control monitoring of AI training on an IaaS fleet.
#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "absl/synchronization/mutex.h"
#include "daemon/app/app.h"
#include "daemon/config/config.h"
#include "daemon/version.h"

namespace {

constexpr const char* kUsage = R"(usage: redflagd [options]

  -c, --config PATH       config file (YAML); default: built-in defaults
  -o, --set KEY=VALUE     override one config key (repeatable), e.g.
                          -o storage.durability=group_commit
      --data-dir DIR      same as -o storage.data_dir=DIR
      --grpc-listen ADDR  same as -o grpc.listen=ADDR
      --http-listen ADDR  same as -o http.listen=ADDR
      --port-file PATH    once serving, write the bound ports there as JSON
      --check-config      validate the config and exit (0 = valid, 2 = invalid)
      --recover-damaged-wal
                          start even though a write-ahead log is damaged before
                          its tail, dropping what cannot be read (logged,
                          audited and alerted); copy the data dir aside first
      --print-config-keys list every config key with its maturity and exit
      --version           print the version and exit
  -h, --help              this text
)";

}  // namespace

int main(int argc, char** argv) {
  // A tenant can send messages of up to grpc.max_message_bytes that are then
  // refused. glibc would otherwise raise its mmap threshold after the first
  // such message and keep later ones resident in each thread's arena; a fixed
  // threshold hands every large buffer back to the kernel when it is freed.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  // Debian's abseil tracks every absl::Mutex gRPC takes in a lock graph to
  // find deadlocks; that is a debugging aid, and costs each call.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  redflag::Options options;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* flag) -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "redflagd: " << flag << " needs a value\n" << kUsage;
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "-c" || a == "--config") {
      options.config_path = value("--config");
    } else if (a == "-o" || a == "--set") {
      options.overrides.push_back(value("--set"));
    } else if (a == "--data-dir") {
      options.overrides.push_back("storage.data_dir=" + value("--data-dir"));
    } else if (a == "--grpc-listen") {
      options.overrides.push_back("grpc.listen=" + value("--grpc-listen"));
    } else if (a == "--http-listen") {
      options.overrides.push_back("http.listen=" + value("--http-listen"));
    } else if (a == "--port-file") {
      options.port_file = value("--port-file");
    } else if (a == "--recover-damaged-wal") {
      options.recover_damaged_wal = true;
    } else if (a == "--check-config") {
      options.check_config_only = true;
    } else if (a == "--print-config-keys") {
      std::cout << redflag::DescribeConfigKeys();
      return 0;
    } else if (a == "--version") {
      std::cout << "redflagd " << redflag::kVersion << " (" << redflag::kGitCommit << ")\n";
      return 0;
    } else if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    } else {
      std::cerr << "redflagd: unknown option '" << a << "'\n" << kUsage;
      return 2;
    }
  }
  int code = redflag::Run(std::move(options));
  // Everything durable is closed by now; skip library teardown (gRPC's takes
  // seconds) so restarts and orchestrators are not kept waiting.
  std::fflush(nullptr);
  std::_Exit(code);
}

#include "tests/integration/daemon_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "redflag/v1/alerts.grpc.pb.h"
#include "redflag/v1/audit.grpc.pb.h"
#include "redflag/v1/customers.grpc.pb.h"
#include "redflag/v1/reports.grpc.pb.h"
#include "redflag/v1/telemetry.grpc.pb.h"

namespace redflag::testing {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "redflag-it-XXXXXX").string();
  path_ = mkdtemp(tmpl.data());
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

namespace {

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

pid_t Spawn(const std::vector<std::string>& argv, const std::string& out_path) {
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

int DecodeStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

bool PortOpen(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

}  // namespace

std::pair<int, int> FreePorts() {
  int a = FreePort();
  int b = FreePort();
  while (b == a) b = FreePort();
  return {a, b};
}

absl::StatusOr<std::unique_ptr<DaemonProcess>> DaemonProcess::Start(
    const std::string& data_dir, std::pair<int, int> ports,
    const std::vector<std::string>& extra_args,
    std::shared_ptr<grpc::ChannelCredentials> credentials) {
  auto d = std::unique_ptr<DaemonProcess>(new DaemonProcess());
  d->ports_ = ports;
  d->log_path_ = data_dir + ".log";
  std::vector<std::string> argv = {REDFLAGD_PATH,
                                   "--data-dir",
                                   data_dir,
                                   "--grpc-listen",
                                   absl::StrCat("127.0.0.1:", ports.first),
                                   "--http-listen",
                                   absl::StrCat("127.0.0.1:", ports.second),
                                   "-o",
                                   "log.format=text"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  d->pid_ = Spawn(argv, d->log_path_);
  // Connect only once the port listens, so the channel never enters
  // gRPC's reconnect backoff.
  for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
       !PortOpen(ports.first) && std::chrono::steady_clock::now() < until;) {
    if (absl::Status exited = d->ExitedDuringStartup(); !exited.ok()) return exited;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // Short reconnect backoff: the daemon is not listening yet on the first try.
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 200);
  args.SetMaxSendMessageSize(64 << 20);
  d->channel_ = grpc::CreateCustomChannel(
      d->grpc_address(), credentials ? credentials : grpc::InsecureChannelCredentials(), args);
  auto health = grpc::health::v1::Health::NewStub(d->channel_);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (absl::Status exited = d->ExitedDuringStartup(); !exited.ok()) return exited;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(200));
    grpc::health::v1::HealthCheckRequest req;
    grpc::health::v1::HealthCheckResponse resp;
    if (health->Check(&ctx, req, &resp).ok() &&
        resp.status() == grpc::health::v1::HealthCheckResponse::SERVING) {
      return d;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return absl::DeadlineExceededError("redflagd did not serve within 30 s");
}

absl::Status DaemonProcess::ExitedDuringStartup() {
  int status;
  if (waitpid(pid_, &status, WNOHANG) != pid_) return absl::OkStatus();
  pid_ = -1;
  std::ifstream log(log_path_);
  std::stringstream text;
  text << log.rdbuf();
  return absl::InternalError(absl::StrCat("redflagd exited with ", DecodeStatus(status),
                                          " during start-up:\n", text.str()));
}

DaemonProcess::~DaemonProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    Wait();
  }
}

void DaemonProcess::Signal(int sig) {
  if (pid_ > 0) kill(pid_, sig);
}

int DaemonProcess::Wait() {
  if (pid_ <= 0) return -1;
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return DecodeStatus(status);
}

int DaemonProcess::WaitFor(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -1;
  const auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return DecodeStatus(status);
    }
    if (std::chrono::steady_clock::now() >= until) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string DaemonProcess::grpc_address() const { return absl::StrCat("127.0.0.1:", ports_.first); }

int64_t ProcStatus(pid_t pid, const std::string& field) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) != 0) continue;
    std::string value = line.substr(field.size() + 1);
    value = value.substr(0, value.find(" kB"));
    int64_t n = 0;
    if (absl::SimpleAtoi(value, &n)) return n;
  }
  return -1;
}

CommandResult RunCommand(const std::vector<std::string>& argv) {
  TempDir dir;
  std::string out = dir.path() + "/out";
  pid_t pid = Spawn(argv, out);
  int status = 0;
  waitpid(pid, &status, 0);
  std::ifstream in(out);
  std::stringstream text;
  text << in.rdbuf();
  return CommandResult{DecodeStatus(status), text.str()};
}

HttpResponse HttpGet(int port, const std::string& path, absl::Duration timeout) {
  HttpResponse r;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (timeout != absl::InfiniteDuration()) {
    const timeval tv = absl::ToTimeval(timeout);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return r;
  }
  std::string req =
      absl::StrCat("GET ", path, " HTTP/1.1\r\nHost: localhost\r\n", "Connection: close\r\n\r\n");
  (void)!write(fd, req.data(), req.size());
  std::string resp;
  char buf[65536];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) resp.append(buf, static_cast<size_t>(n));
  close(fd);
  size_t sp = resp.find(' ');
  if (sp != std::string::npos) (void)absl::SimpleAtoi(resp.substr(sp + 1, 3), &r.status);
  size_t body = resp.find("\r\n\r\n");
  if (body != std::string::npos) r.body = resp.substr(body + 4);
  return r;
}

std::vector<int> StalledConnections(int port, int n, const std::string& partial) {
  std::vector<int> fds;
  for (int i = 0; i < n; ++i) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    const bool sent = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
                      (i % 2 == 0 || write(fd, partial.data(), partial.size()) ==
                                         static_cast<ssize_t>(partial.size()));
    if (!sent) {
      close(fd);
      for (int open : fds) close(open);
      return {};
    }
    fds.push_back(fd);
  }
  return fds;
}

bool ClosedByServerWithin(int fd, absl::Duration timeout) {
  const timeval tv = absl::ToTimeval(timeout);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  char byte;
  const ssize_t n = read(fd, &byte, 1);
  close(fd);
  return n != -1;
}

HttpsResponse HttpsGet(int port, const std::string& path, const std::string& ca,
                       const std::string& cert, const std::string& key) {
  TempDir tmp;
  const std::string body = tmp.path() + "/body";
  std::vector<std::string> argv = {
      "/usr/bin/curl", "-sS", "--max-time", "5", "--cacert", ca, "-o", body, "-w", "%{http_code}"};
  if (!cert.empty()) argv.insert(argv.end(), {"--cert", cert, "--key", key});
  argv.push_back(absl::StrCat("https://localhost:", port, path));
  CommandResult r = RunCommand(argv);
  HttpsResponse out;
  // The status is the last three characters; curl's own complaint precedes them.
  if (r.output.size() >= 3)
    (void)absl::SimpleAtoi(r.output.substr(r.output.size() - 3), &out.status);
  out.error = r.output.substr(0, r.output.size() >= 3 ? r.output.size() - 3 : 0);
  std::ifstream in(body);
  std::stringstream text;
  text << in.rdbuf();
  out.body = text.str();
  return out;
}

std::map<std::string, v1::Alert> ListAlertsById(DaemonProcess& d, const std::string& rule) {
  std::map<std::string, v1::Alert> out;
  v1::ListAlertsRequest req;
  req.set_page_size(1000);
  req.mutable_filter()->set_include_suppressed(true);
  if (!rule.empty()) req.mutable_filter()->add_rules(rule);
  auto stub = v1::AlertService::NewStub(d.channel());
  do {
    grpc::ClientContext ctx;
    v1::ListAlertsResponse page;
    grpc::Status s = stub->ListAlerts(&ctx, req, &page);
    EXPECT_TRUE(s.ok()) << s.error_message();
    if (!s.ok()) break;
    for (const v1::Alert& a : page.alerts()) out[a.alert_id()] = a;
    req.set_page_token(page.next_page_token());
  } while (!req.page_token().empty());
  return out;
}

std::vector<v1::AuditRecord> AuditRecordsOf(DaemonProcess& d, const std::string& subject,
                                            const std::string& action) {
  v1::ListAuditRequest req;
  req.set_subject(subject);
  grpc::ClientContext ctx;
  v1::ListAuditResponse resp;
  grpc::Status s = v1::AuditService::NewStub(d.channel())->ListAudit(&ctx, req, &resp);
  EXPECT_TRUE(s.ok()) << s.error_message();
  std::vector<v1::AuditRecord> out;
  for (const v1::AuditRecord& r : resp.records()) {
    if (r.action() == action) out.push_back(r);
  }
  return out;
}

grpc::Status UpsertCustomer(DaemonProcess& d, const v1::CustomerProfile& profile) {
  grpc::ClientContext ctx;
  v1::UpsertCustomerRequest req;
  *req.mutable_profile() = profile;
  v1::UpsertCustomerResponse resp;
  return v1::CustomerService::NewStub(d.channel())->UpsertCustomer(&ctx, req, &resp);
}

grpc::Status IngestHours(DaemonProcess& d, const std::string& job, uint64_t first_seq,
                         int64_t from_unix_ms, int hours, uint32_t accelerators) {
  constexpr int64_t kHour = 3'600'000;
  v1::SampleBatch batch;
  for (int h = 0; h < hours; ++h) {
    v1::Sample* s = batch.add_samples();
    s->set_source_id("agent/" + job);
    s->set_seq(first_seq + static_cast<uint64_t>(h));
    s->set_job_id(job);
    s->set_window_start_unix_ms(from_unix_ms + h * kHour);
    s->set_window_end_unix_ms(from_unix_ms + (h + 1) * kHour);
    s->set_active_accelerators(accelerators);
    s->set_tensor_active(0.5);
  }
  grpc::ClientContext ctx;
  v1::BatchAck ack;
  return v1::TelemetryService::NewStub(d.channel())->Ingest(&ctx, batch, &ack);
}

v1::QuarterlyReport QuarterlyReportOf(DaemonProcess& d, const std::string& quarter) {
  grpc::ClientContext ctx;
  v1::GetQuarterlyReportRequest req;
  req.set_quarter(quarter);
  v1::QuarterlyReport r;
  grpc::Status s = v1::ReportService::NewStub(d.channel())->GetQuarterlyReport(&ctx, req, &r);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return r;
}

}  // namespace redflag::testing

#include "daemon/http/http_server.h"

#include <CivetServer.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "daemon/net/bind_probe.h"

namespace redflag {
namespace {

void Reply(mg_connection* conn, int code, const char* content_type, const std::string& body) {
  const char* reason = code == 200   ? "OK"
                       : code == 404 ? "Not Found"
                       : code == 405 ? "Method Not Allowed"
                                     : "Service Unavailable";
  mg_printf(conn,
            "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
            "Cache-Control: no-store\r\nConnection: close\r\n\r\n",
            code, reason, content_type, body.size());
  mg_write(conn, body.data(), body.size());
}

// civetweb hands a handler every path that starts with its own
// ("/metricsXYZ", "/metrics/x"): only the exact path is served.
class FnHandler : public CivetHandler {
 public:
  FnHandler(std::string path, std::function<void(mg_connection*)> fn)
      : path_(std::move(path)), fn_(std::move(fn)) {}
  bool handleGet(CivetServer*, mg_connection* conn) override {
    const mg_request_info* info = mg_get_request_info(conn);
    if (info == nullptr || info->local_uri == nullptr || path_ != info->local_uri) {
      Reply(conn, 404, "text/plain", "not found\n");
    } else {
      fn_(conn);
    }
    return true;
  }
  bool handlePost(CivetServer*, mg_connection* conn) override { return NotAllowed(conn); }
  bool handlePut(CivetServer*, mg_connection* conn) override { return NotAllowed(conn); }
  bool handleDelete(CivetServer*, mg_connection* conn) override { return NotAllowed(conn); }

 private:
  static bool NotAllowed(mg_connection* conn) {
    Reply(conn, 405, "text/plain", "only GET\n");
    return true;
  }
  const std::string path_;
  std::function<void(mg_connection*)> fn_;
};

// Everything no handler takes.
class NotFound : public CivetHandler {
 public:
  bool handleGet(CivetServer*, mg_connection* conn) override { return Reply404(conn); }
  bool handlePost(CivetServer*, mg_connection* conn) override { return Reply404(conn); }

 private:
  static bool Reply404(mg_connection* conn) {
    Reply(conn, 404, "text/plain", "not found\n");
    return true;
  }
};

}  // namespace

struct HttpServer::Impl {
  std::unique_ptr<CivetServer> server;
  std::vector<std::unique_ptr<FnHandler>> handlers;
  NotFound not_found;
};

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(const std::string& listen, Handlers h,
                                                              const Limits& limits) {
  std::unique_ptr<HttpServer> s(new HttpServer());
  s->impl_ = std::make_unique<Impl>();
  std::vector<std::string> options = {"listening_ports", listen, "num_threads",
                                      absl::StrCat(limits.threads), "request_timeout_ms",
                                      absl::StrCat(absl::ToInt64Milliseconds(limits.read_timeout)),
                                      // Keep-alive would let an idle client keep its thread.
                                      "enable_keep_alive", "no"};
  try {
    s->impl_->server = std::make_unique<CivetServer>(options);
  } catch (const std::exception& e) {
    const std::string why = BindFailureReason(listen);
    return absl::UnavailableError(
        absl::StrCat("http.listen ", listen, ": cannot listen: ", why.empty() ? e.what() : why));
  }
  s->impl_->server->addHandler("/", &s->impl_->not_found);
  auto add = [&](const char* path, std::function<void(mg_connection*)> fn) {
    s->impl_->handlers.push_back(std::make_unique<FnHandler>(path, std::move(fn)));
    s->impl_->server->addHandler(path, s->impl_->handlers.back().get());
  };
  add("/metrics", [m = h.metrics](mg_connection* c) {
    Reply(c, 200, "text/plain; version=0.0.4; charset=utf-8", m());
  });
  add("/healthz", [](mg_connection* c) { Reply(c, 200, "text/plain", "ok\n"); });
  add("/readyz", [r = h.not_ready_reason](mg_connection* c) {
    std::string reason = r();
    if (reason.empty()) {
      Reply(c, 200, "text/plain", "ready\n");
    } else {
      Reply(c, 503, "text/plain", reason + "\n");
    }
  });
  std::vector<int> ports = s->impl_->server->getListeningPorts();
  s->port_ = ports.empty() ? 0 : ports[0];
  return s;
}

HttpServer::~HttpServer() {
  if (impl_ && impl_->server) impl_->server->close();
}

}  // namespace redflag

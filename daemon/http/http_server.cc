#include "daemon/http/http_server.h"

#include <CivetServer.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "daemon/net/bind_probe.h"

namespace redflag {
namespace {

void Reply(mg_connection* conn, int code, const char* content_type, const std::string& body) {
  const char* reason = code == 200 ? "OK" : "Service Unavailable";
  mg_printf(conn,
            "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
            "Cache-Control: no-store\r\nConnection: close\r\n\r\n",
            code, reason, content_type, body.size());
  mg_write(conn, body.data(), body.size());
}

class FnHandler : public CivetHandler {
 public:
  explicit FnHandler(std::function<void(mg_connection*)> fn) : fn_(std::move(fn)) {}
  bool handleGet(CivetServer*, mg_connection* conn) override {
    fn_(conn);
    return true;
  }

 private:
  std::function<void(mg_connection*)> fn_;
};

}  // namespace

struct HttpServer::Impl {
  std::unique_ptr<CivetServer> server;
  std::vector<std::unique_ptr<FnHandler>> handlers;
};

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(const std::string& listen,
                                                              Handlers h) {
  std::unique_ptr<HttpServer> s(new HttpServer());
  s->impl_ = std::make_unique<Impl>();
  std::vector<std::string> options = {"listening_ports",    listen, "num_threads", "4",
                                      "request_timeout_ms", "10000"};
  try {
    s->impl_->server = std::make_unique<CivetServer>(options);
  } catch (const std::exception& e) {
    const std::string why = BindFailureReason(listen);
    return absl::UnavailableError(
        absl::StrCat("http.listen ", listen, ": cannot listen: ", why.empty() ? e.what() : why));
  }
  auto add = [&](const char* path, std::function<void(mg_connection*)> fn) {
    s->impl_->handlers.push_back(std::make_unique<FnHandler>(std::move(fn)));
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

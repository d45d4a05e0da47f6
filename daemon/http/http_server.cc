#include "daemon/http/http_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/http/certificate_principal.h"
#include "daemon/http/server_tls.h"
#include "daemon/log/log.h"
#include "daemon/net/authorizer.h"
#include "daemon/net/bind_probe.h"
#include "detectors/authorization.h"

namespace redflag {
namespace {

// httplib's own pool queues every accepted connection without bound; this
// one lets `waiting` wait for a thread, and beyond that stops accepting, so
// a flood of connections waits in the kernel's backlog instead of in memory.
class BoundedPool : public httplib::TaskQueue {
 public:
  BoundedPool(size_t threads, size_t waiting) : waiting_(waiting) {
    for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
  }
  void enqueue(std::function<void()> fn) override {
    std::unique_lock<std::mutex> lock(mu_);
    space_.wait(lock, [&] { return jobs_.size() < waiting_ || stopping_; });
    jobs_.push_back(std::move(fn));
    ready_.notify_one();
  }
  void shutdown() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    ready_.notify_all();
    space_.notify_all();
    for (std::thread& t : threads_) t.join();
  }

 private:
  void Work() {
    for (;;) {
      std::function<void()> fn;
      {
        std::unique_lock<std::mutex> lock(mu_);
        ready_.wait(lock, [&] { return !jobs_.empty() || stopping_; });
        if (jobs_.empty()) return;  // stopping, and every connection served
        fn = std::move(jobs_.front());
        jobs_.pop_front();
      }
      space_.notify_one();
      fn();
    }
  }
  const size_t waiting_;
  std::mutex mu_;
  std::condition_variable ready_, space_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  bool stopping_ = false;
};

// The principal of a verified client certificate; empty without one.
std::string PeerPrincipal(const httplib::Request& req) {
  if (req.ssl == nullptr || SSL_get_verify_result(req.ssl) != X509_V_OK) return "";
  X509* cert = SSL_get1_peer_certificate(req.ssl);
  std::string principal = PrincipalOfCertificate(cert);
  X509_free(cert);
  return principal;
}

constexpr absl::string_view kAnySegment = "/*";

bool IsSegment(absl::string_view s) {
  if (s.empty() || s.size() > 63 || !absl::ascii_isalnum(static_cast<unsigned char>(s[0]))) {
    return false;
  }
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

// Whether a route's path matches a request's, and the segment it matched.
bool PathMatches(const std::string& route, const std::string& path, std::string* segment) {
  if (!absl::EndsWith(route, kAnySegment)) return route == path;
  const absl::string_view prefix =
      absl::string_view(route).substr(0, route.size() - kAnySegment.size() + 1);
  if (!absl::StartsWith(path, prefix) ||
      !IsSegment(absl::string_view(path).substr(prefix.size()))) {
    return false;
  }
  if (segment != nullptr) *segment = path.substr(prefix.size());
  return true;
}

std::string PathPattern(const std::string& path) {
  const bool any = absl::EndsWith(path, kAnySegment);
  std::string out;
  for (char c : any ? path.substr(0, path.size() - 1) : path) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '/') out.push_back('\\');
    out.push_back(c);
  }
  if (any) out += "[A-Za-z0-9][A-Za-z0-9._-]{0,62}";
  return out;
}

absl::Status SplitListen(const std::string& listen, const std::string& key, std::string* host,
                         int* port) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), port) ||
      *port < 0 || *port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(key, ": '", listen, "' is not host:port"));
  }
  *host = listen.substr(0, colon);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  return absl::OkStatus();
}

int64_t CeilSeconds(absl::Duration d) {
  return std::max<int64_t>(1, absl::ToInt64Seconds(absl::Ceil(d, absl::Seconds(1))));
}

}  // namespace

struct HttpServer::Impl {
  std::unique_ptr<httplib::Server> server;
  std::vector<HttpRoute> routes;
  const Authorizer* authorizer = nullptr;
  std::thread listener;

  const HttpRoute* Find(const std::string& method, const std::string& path, bool* path_known) {
    *path_known = false;
    for (const HttpRoute& r : routes) {
      if (!PathMatches(r.path, path, nullptr)) continue;
      *path_known = true;
      if (r.method == method) return &r;
    }
    return nullptr;
  }

  // Before the body is read: an unknown path is 404, a known one with another
  // method 405, and a caller the role table does not allow 403.
  httplib::Server::HandlerResponse Admit(const httplib::Request& req, httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    bool path_known = false;
    const HttpRoute* route = Find(req.method, req.path, &path_known);
    if (route == nullptr) {
      if (path_known) {
        std::vector<std::string> allowed;
        for (const HttpRoute& r : routes) {
          if (PathMatches(r.path, req.path, nullptr)) allowed.push_back(r.method);
        }
        res.status = 405;
        res.set_header("Allow", absl::StrJoin(allowed, ", "));
        res.set_content(absl::StrCat("only ", absl::StrJoin(allowed, ", "), "\n"), "text/plain");
      } else {
        res.status = 404;
        res.set_content("not found\n", "text/plain");
      }
      return httplib::Server::HandlerResponse::Handled;
    }
    if (authorizer != nullptr) {
      std::string principal = PeerPrincipal(req);
      absl::Status allowed =
          authorizer->CheckPrincipal(&principal, absl::StrCat(route->method, " ", route->path));
      if (!allowed.ok()) {
        res.status = 403;
        res.set_content(absl::StrCat(allowed.message(), "\n"), "text/plain");
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    return httplib::Server::HandlerResponse::Unhandled;
  }

  void Serve(const HttpRoute& route, const httplib::Request& req, httplib::Response& res) {
    HttpCall call{
        .principal = PeerPrincipal(req),
        .body = req.body,
        .header = [&req](const std::string& name) { return req.get_header_value(name.c_str()); }};
    PathMatches(route.path, req.path, &call.segment);
    if (authorizer != nullptr && authorizer->local_admin()) call.principal = "local";
    HttpReply reply = route.handle(call);
    res.status = reply.status;
    for (const auto& [name, value] : reply.headers) res.set_header(name.c_str(), value);
    if (!reply.body.empty()) res.set_content(std::move(reply.body), reply.content_type.c_str());
  }
};

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(const Options& o,
                                                              std::vector<HttpRoute> routes) {
  std::string host;
  int port = 0;
  if (absl::Status s = SplitListen(o.listen, o.config_key, &host, &port); !s.ok()) return s;
  for (const HttpRoute& r : routes) {
    const std::string name = absl::StrCat(r.method, " ", r.path);
    const bool known = detectors::RolesFor(name) != nullptr || detectors::OpenToAnyone(name);
    if ((r.method != "GET" && r.method != "POST") || !known ||
        (o.authorizer == nullptr && !detectors::OpenToAnyone(name))) {
      return absl::InternalError(absl::StrCat(name, " has no entry in the role table"));
    }
  }
  std::unique_ptr<HttpServer> s(new HttpServer());
  s->impl_ = std::make_unique<Impl>();
  Impl& impl = *s->impl_;
  impl.routes = std::move(routes);
  impl.authorizer = o.authorizer;
  if (o.tls != nullptr) {
    ServerTls* tls = o.tls;
    const bool require = o.require_client_certificate;
    impl.server = std::make_unique<httplib::SSLServer>(
        [tls, require](SSL_CTX& ctx) { return tls->Configure(ctx, require); });
  } else {
    impl.server = std::make_unique<httplib::Server>();
  }
  if (!impl.server->is_valid()) {
    return absl::InternalError(absl::StrCat(o.config_key, ": TLS could not be set up"));
  }
  httplib::Server& server = *impl.server;
  const size_t threads = std::max<uint32_t>(1, o.threads);
  server.new_task_queue = [threads] { return new BoundedPool(threads, threads); };
  server.set_read_timeout(absl::ToChronoMicroseconds(o.read_timeout));
  server.set_write_timeout(absl::ToChronoMicroseconds(o.write_timeout));
  // One request per connection: an idle client keeps no thread.
  server.set_keep_alive_max_count(1);
  server.set_keep_alive_timeout(CeilSeconds(o.read_timeout));
  server.set_payload_max_length(o.max_body_bytes);
  // httplib's default adds SO_REUSEPORT, which would let a second daemon bind
  // the same port and take half the requests: only SO_REUSEADDR here.
  auto listening = std::make_shared<socket_t>(INVALID_SOCKET);
  server.set_socket_options([listening](socket_t sock) {
    const int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    *listening = sock;  // the last one made is the one bound
  });
  server.set_pre_routing_handler([&impl](const httplib::Request& req, httplib::Response& res) {
    return impl.Admit(req, res);
  });
  server.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr e) {
        std::string what = "unknown";
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& x) {
          what = x.what();
        } catch (...) {
        }
        log::Error("HTTP handler failed", {{"path", req.path}, {"error", what}});
        res.status = 500;
        res.set_content("internal error\n", "text/plain");
      });
  if (o.on_reply) {
    server.set_logger(
        [&impl, on_reply = o.on_reply](const httplib::Request& req, const httplib::Response& res) {
          bool path_known = false;
          const HttpRoute* r = impl.Find(req.method, req.path, &path_known);
          on_reply(r == nullptr ? "other" : absl::StrCat(r->method, " ", r->path), res.status);
        });
  }
  for (const HttpRoute& r : impl.routes) {
    auto serve = [&impl, &r](const httplib::Request& req, httplib::Response& res) {
      impl.Serve(r, req, res);
    };
    if (r.method == "GET") {
      server.Get(PathPattern(r.path), serve);
    } else {
      server.Post(PathPattern(r.path), serve);
    }
  }
  bool bound = false;
  if (port == 0) {
    port = server.bind_to_any_port(host);
    bound = port > 0;
  } else {
    bound = server.bind_to_port(host, port);
  }
  if (!bound) {
    const std::string why = BindFailureReason(o.listen);
    return absl::UnavailableError(
        absl::StrCat(o.config_key, " ", o.listen, ": cannot listen", why.empty() ? "" : ": ", why));
  }
  // httplib listens with a backlog of 5: a burst of connections (probes
  // among clients that stall) would overflow it, and the kernel would drop
  // the handshakes it cannot queue for a second or more. Listening again on
  // a bound socket raises the backlog.
  if (*listening != INVALID_SOCKET) ::listen(*listening, SOMAXCONN);
  s->port_ = port;
  impl.listener = std::thread([&server] { server.listen_after_bind(); });
  // Until it runs, stop() would not reach it: a server destroyed right away
  // (a later start-up step failed) must not leave its thread listening.
  for (int i = 0; i < 5000 && !server.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return s;
}

HttpServer::~HttpServer() {
  if (impl_ == nullptr || impl_->server == nullptr) return;
  impl_->server->stop();
  if (impl_->listener.joinable()) impl_->listener.join();
}

}  // namespace redflag

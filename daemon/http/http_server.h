// The daemon's HTTP listener (cpp-httplib): exact-path routes (or a path and
// one segment), each with its
// entry in the role table (detectors/authorization.h) checked before the body
// is read; TLS from ServerTls, the caller's principal from its client
// certificate. Connections are served a thread each, one request per
// connection, each read and write bounded in time.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace redflag {

class Authorizer;
class ServerTls;

struct HttpCall {
  std::string principal;  // "local" without TLS; empty without a client certificate
  std::string body;
  // What a route ending in "/*" matched there: one segment of letters,
  // digits, '.', '_' and '-', at most 63, starting with a letter or digit
  // (a cluster's name).
  std::string segment = {};
  // A request header by name (any case); empty when absent.
  std::function<std::string(const std::string& name)> header;
};

struct HttpReply {
  int status = 200;
  std::string content_type = "text/plain";
  std::string body = {};
  std::vector<std::pair<std::string, std::string>> headers = {};
};

struct HttpRoute {
  std::string method;  // GET or POST
  // Matched exactly; a trailing "/*" matches one segment (HttpCall::segment),
  // and the role table's entry is the path as written ("POST /a/b/*").
  std::string path;
  std::function<HttpReply(const HttpCall&)> handle;
};

class HttpServer {
 public:
  struct Options {
    std::string listen;  // host:port; port 0 picks one
    // Connections served at once, a thread each; as many more wait their
    // turn, and beyond that new connections wait to be accepted.
    uint32_t threads = 16;
    // A request must arrive within read_timeout, or its connection is closed:
    // a client that connects and sends nothing (or stalls the TLS handshake)
    // holds a thread no longer. A client that does not read the reply is
    // dropped after write_timeout.
    absl::Duration read_timeout = absl::Seconds(2);
    absl::Duration write_timeout = absl::Seconds(10);
    size_t max_body_bytes = 64 << 10;  // larger: 413
    ServerTls* tls = nullptr;          // null: plaintext
    bool require_client_certificate = false;
    // Null: no role table (the plaintext health listener, which serves only
    // open endpoints). Otherwise every route must have an entry.
    const Authorizer* authorizer = nullptr;
    std::string config_key = "http.listen";  // named in errors
    // After each reply: the route ("GET /metrics", "other") and its status.
    std::function<void(const std::string& route, int status)> on_reply;
  };
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(const Options& options,
                                                           std::vector<HttpRoute> routes);
  ~HttpServer();
  int port() const { return port_; }

 private:
  HttpServer() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace redflag

#include "daemon/net/request_guard.h"

#include <google/protobuf/message.h>
#include <google/protobuf/stubs/logging.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "daemon/log/log.h"

namespace redflag {
namespace {

// protobuf's last complaint on this thread, e.g. "String field
// 'redflag.v1.JobSpec.job_id' contains invalid UTF-8 data when parsing ...".
thread_local std::string last_protobuf_error;

void OnProtobufLog(google::protobuf::LogLevel level, const char* file, int line,
                   const std::string& message) {
  last_protobuf_error = message;
  log::Warn("protobuf", {{"message", message}, {"at", absl::StrCat(file, ":", line)}});
}

// "redflag.v1.JobSpec.job_id" from protobuf's UTF-8 complaint, or "".
std::string InvalidUtf8Field(const std::string& error) {
  if (!absl::StrContains(error, "invalid UTF-8")) return "";
  const size_t open = error.find('\'');
  const size_t close = open == std::string::npos ? open : error.find('\'', open + 1);
  return close == std::string::npos ? "" : error.substr(open + 1, close - open - 1);
}

class Guard : public grpc::experimental::Interceptor {
 public:
  explicit Guard(grpc::experimental::ServerRpcInfo* info) : method_(info->method()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* m) override {
    using grpc::experimental::InterceptionHookPoints;
    if (m->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
      void* msg = m->GetRecvMessage();
      if (msg == nullptr) {
        parse_failed_ = true;  // gRPC could not deserialize it
        parse_error_ = last_protobuf_error;
      } else {
        static_cast<google::protobuf::Message*>(msg)->DiscardUnknownFields();
      }
    }
    if (parse_failed_ && m->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS) &&
        m->GetSendStatus().error_code() == grpc::StatusCode::INTERNAL) {
      const std::string field = InvalidUtf8Field(parse_error_);
      m->ModifySendStatus(grpc::Status(
          grpc::StatusCode::INVALID_ARGUMENT,
          field.empty()
              ? absl::StrCat(method_, ": the request is not a valid protobuf message")
              : absl::StrCat(field, ": is not valid UTF-8 (strings must be UTF-8; the request ",
                             "was refused whole)")));
    }
    m->Proceed();
  }

 private:
  const std::string method_;
  bool parse_failed_ = false;
  std::string parse_error_;
};

class Factory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    // Only redflag.v1 carries protobuf messages in its calls; gRPC's own
    // health service, for one, reads raw bytes.
    const char* method = info->method();
    if (method == nullptr || !absl::StartsWith(method, "/redflag.v1.")) return nullptr;
    return new Guard(info);
  }
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> NewRequestGuard() {
  last_protobuf_error.clear();
  return std::make_unique<Factory>();
}

void InstallProtobufLogHandler() { google::protobuf::SetLogHandler(&OnProtobufLog); }

}  // namespace redflag

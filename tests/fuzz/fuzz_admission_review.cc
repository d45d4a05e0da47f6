// Fuzzes the AdmissionReview reader: any body is refused with a message, or
// read into a review with a uid; the answer written for it is JSON that
// echoes that uid.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "daemon/admission/admission_review.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  auto review = redflag::ParseAdmissionReview(body, {"nvidia.com/gpu", "nvidia.com/mig-"});
  if (!review.ok()) {
    if (review.status().message().empty()) __builtin_trap();
    return 0;
  }
  if (review->uid.empty()) __builtin_trap();
  const std::string answer =
      redflag::AdmissionResponse(review->uid, review->gpus == 0, 403, review->name, {review->name});
  google::protobuf::Struct parsed;
  if (!google::protobuf::util::JsonStringToMessage(answer, &parsed).ok()) __builtin_trap();
  if (parsed.fields().at("response").struct_value().fields().at("uid").string_value() !=
      review->uid) {
    __builtin_trap();
  }
  return 0;
}

// Fuzzes the remote-write decoder and what redflagd reads from a request:
// any body is refused with a message or decoded into series whose labels
// are sorted and unique, the GPU points read from them have activity
// ratios within 0-1, and the kube-state-metrics facts name their pod. The first byte chooses
// whether the rest is sent as is (snappy framing under attack) or compressed first (protobuf and
// labels under attack).
#include <snappy.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "daemon/remote_write/gpu_readings.h"
#include "daemon/remote_write/kube_state.h"
#include "daemon/remote_write/write_request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string body(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] & 1) {
    std::string compressed;
    snappy::Compress(body.data(), body.size(), &compressed);
    body.swap(compressed);
  }
  google::protobuf::Arena arena;
  auto request = redflag::DecodeWriteRequest(
      {.content_type = "application/x-protobuf", .content_encoding = "snappy", .version = "0.1.0"},
      body, 1 << 20, &arena);
  if (!request.ok()) {
    if (request.status().message().empty()) __builtin_trap();
    return 0;
  }
  for (const auto& ts : (*request)->timeseries()) {
    for (int i = 1; i < ts.labels_size(); ++i) {
      if (!(ts.labels(i - 1).name() < ts.labels(i).name())) __builtin_trap();
    }
  }
  auto kube = redflag::ReadKubeState(**request, {});
  if (kube.ok()) {
    for (const auto& f : kube->pods) {
      if (f.uid.empty() || f.pod.empty() || f.k8s_namespace.empty()) __builtin_trap();
    }
  } else if (kube.status().message().empty()) {
    __builtin_trap();
  }
  auto readings = redflag::ReadGpuSeries(**request, {});
  if (!readings.ok()) return 0;
  for (const auto& g : readings->series) {
    if (g.uuid.empty()) __builtin_trap();
    for (const auto& p : g.points) {
      if (p.tensor_active && (*p.tensor_active < 0 || *p.tensor_active > 1)) __builtin_trap();
      if (p.sm_active && (*p.sm_active < 0 || *p.sm_active > 1)) __builtin_trap();
    }
  }
  return 0;
}

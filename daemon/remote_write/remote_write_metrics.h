// The remote-write receiver's figures on /metrics (requests by status are
// redflag_http_requests_total{route="POST /api/v1/write"}).
#pragma once

namespace redflag {

class Metrics;
class RemoteWriteReceiver;

void RegisterRemoteWriteMetrics(Metrics& metrics, const RemoteWriteReceiver& receiver);

}  // namespace redflag

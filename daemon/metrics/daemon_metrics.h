// The daemon's scrape-time metrics: ingestion and ledger counters, store size,
// readiness, build and config identity, process memory.
#pragma once

namespace redflag {

class Metrics;
struct AppState;

void RegisterDaemonMetrics(Metrics& metrics, const AppState& app);

}  // namespace redflag

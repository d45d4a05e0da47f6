#include "absl/time/clock.h"
#include "daemon/net/stream_limiter.h"
#include "daemon/services/services.h"
#include "daemon/validation/validation.h"

namespace redflag {

grpc::Status ToGrpc(const absl::Status& s) {
  if (s.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()), std::string(s.message()));
}

std::string AuditActor(const ServiceContext& ctx, const grpc::ServerContextBase& call,
                       absl::string_view typed) {
  const std::string principal = ctx.authorizer->Principal(call);
  if (typed.empty() || typed == principal || !ctx.authorizer->Delegates(principal)) {
    return principal;
  }
  return absl::StrCat(principal, " on behalf of ", typed);
}

absl::Status Authorized(const ServiceContext& ctx, const grpc::ServerContextBase& call,
                        absl::string_view method) {
  std::string principal;
  return ctx.authorizer->Check(call, method, &principal);
}

absl::Status TelemetryServiceImpl::Process(const v1::SampleBatch& batch, v1::BatchAck& ack) {
  const absl::Time received = absl::Now();
  ack.set_batch_id(batch.batch_id());
  absl::Status s = ValidateSampleBatch(batch, *ctx_.limits, ctx_.now());
  if (!s.ok()) {
    ctx_.ledger->NoteInvalidBatch(static_cast<size_t>(batch.samples_size()));
  } else {
    absl::StatusOr<BatchOutcome> out = ctx_.ledger->Ingest(batch);
    if (out.ok()) {
      ack.set_accepted(out->accepted);
      ack.set_duplicate(out->duplicate);
      ack.set_clamped(out->clamped);
      ctx_.metrics->ack_latency().Observe(absl::ToDoubleSeconds(absl::Now() - received));
      return absl::OkStatus();
    }
    s = out.status();
  }
  ack.set_rejected(static_cast<uint32_t>(batch.samples_size()));
  ack.set_code(static_cast<int32_t>(s.code()));
  ack.set_message(std::string(s.message()));
  return s;
}

grpc::Status TelemetryServiceImpl::Ingest(grpc::ServerContext* context,
                                          const v1::SampleBatch* batch, v1::BatchAck* ack) {
  absl::Status allowed = Authorized(ctx_, *context, "/redflag.v1.TelemetryService/Ingest");
  grpc::Status st = ToGrpc(allowed.ok() ? Process(*batch, *ack) : allowed);
  ctx_.metrics->CountRpc("Ingest", st.error_code());
  return st;
}

grpc::Status TelemetryServiceImpl::IngestStream(
    grpc::ServerContext* context, grpc::ServerReaderWriter<v1::BatchAck, v1::SampleBatch>* stream) {
  if (absl::Status allowed =
          Authorized(ctx_, *context, "/redflag.v1.TelemetryService/IngestStream");
      !allowed.ok()) {
    grpc::Status st = ToGrpc(allowed);
    ctx_.metrics->CountRpc("IngestStream", st.error_code());
    return st;
  }
  absl::StatusOr<std::unique_ptr<StreamLimiter::Slot>> slot =
      ctx_.streams->Acquire(context, "IngestStream", /*idle_ends_it=*/true);
  if (!slot.ok()) {
    grpc::Status st = ToGrpc(slot.status());
    ctx_.metrics->CountRpc("IngestStream", st.error_code());
    return st;
  }
  v1::SampleBatch batch;
  v1::BatchAck ack;
  while (stream->Read(&batch)) {
    (*slot)->Touch();
    ack.Clear();
    // A rejected batch is reported in its ack; the stream goes on.
    Process(batch, ack).IgnoreError();
    if (!stream->Write(ack)) break;
  }
  grpc::Status st = context->IsCancelled() ? grpc::Status::CANCELLED : grpc::Status::OK;
  ctx_.metrics->CountRpc("IngestStream", st.error_code());
  return st;
}

}  // namespace redflag

// The screening API's messages from the list manager's values.
#pragma once

#include "daemon/screening/party_lists.h"
#include "redflag/v1/screening.pb.h"

namespace redflag {

v1::ScreeningHit ToProto(const ListHit& hit);
v1::ListInfo ToProto(const ListStatus& status);

}  // namespace redflag

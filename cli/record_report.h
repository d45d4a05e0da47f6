// `redflagctl records list|show` for people: foreign-person records (R5),
// their state and due dates, and what a filing must carry.
#pragma once

#include <string>
#include <vector>

#include "redflag/v1/records.pb.h"

namespace redflag::cli {

// `now_unix_ms` marks drafts past their due date.
std::string FormatRecordList(const std::vector<v1::ForeignPersonRecord>& records,
                             int64_t now_unix_ms);
// At most `max_events` access events are listed; the rest are counted.
std::string FormatRecord(const v1::ForeignPersonRecord& r, int64_t now_unix_ms,
                         int max_events = 50);

}  // namespace redflag::cli

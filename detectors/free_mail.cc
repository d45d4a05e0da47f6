#include "detectors/free_mail.h"

#include <algorithm>
#include <iterator>

namespace redflag::detectors {
namespace {

constexpr absl::string_view kFreeMail[] = {
    "gmail.com",  "googlemail.com", "outlook.com",    "hotmail.com", "live.com", "yahoo.com",
    "icloud.com", "proton.me",      "protonmail.com", "qq.com",      "163.com",  "126.com",
    "yandex.ru",  "mail.ru",        "gmx.de",         "aol.com"};

}  // namespace

bool IsFreeMailDomain(absl::string_view domain) {
  return std::find(std::begin(kFreeMail), std::end(kFreeMail), domain) != std::end(kFreeMail);
}

}  // namespace redflag::detectors

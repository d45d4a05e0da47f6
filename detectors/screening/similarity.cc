#include "detectors/screening/similarity.h"

#include <algorithm>
#include <array>
#include <cstdint>

namespace redflag::screening {

double JaroWinkler(absl::string_view a, absl::string_view b) {
  if (a == b) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() > 64) return a == b ? 1.0 : 0.0;
  const int la = static_cast<int>(a.size()), lb = static_cast<int>(b.size());
  const int window = std::max(0, lb / 2 - 1);
  uint64_t b_used = 0;
  std::array<char, 64> a_matched{};
  int matches = 0;
  for (int i = 0; i < la; ++i) {
    const int lo = std::max(0, i - window), hi = std::min(lb - 1, i + window);
    for (int j = lo; j <= hi; ++j) {
      if ((b_used >> j & 1) == 0 && a[i] == b[j]) {
        b_used |= uint64_t{1} << j;
        a_matched[matches++] = a[i];
        break;
      }
    }
  }
  if (matches == 0) return 0.0;
  int transposed = 0, k = 0;
  for (int j = 0; j < lb; ++j) {
    if (b_used >> j & 1) {
      if (b[j] != a_matched[k]) ++transposed;
      ++k;
    }
  }
  const double m = matches;
  const double jaro = (m / la + m / lb + (m - transposed / 2.0) / m) / 3.0;
  if (jaro <= 0.7) return jaro;
  int prefix = 0;
  while (prefix < 4 && prefix < la && a[prefix] == b[prefix]) ++prefix;
  return jaro + prefix * 0.1 * (1.0 - jaro);
}

int DamerauLevenshteinAtMost(absl::string_view a, absl::string_view b, int max) {
  const size_t la = a.size(), lb = b.size();
  if (max < 0) return 0;  // no distance is below zero: "more than max"
  if (static_cast<int>(la > lb ? la - lb : lb - la) > max) return max + 1;
  if (la > 64 || lb > 64) return a == b ? 0 : max + 1;
  std::array<std::array<int, 65>, 3> rows;
  int* r0 = rows[0].data();
  int* r1 = rows[1].data();
  int* r2 = rows[2].data();
  for (size_t j = 0; j <= lb; ++j) r1[j] = static_cast<int>(j);
  int previous_min = 0;
  for (size_t i = 1; i <= la; ++i) {
    r2[0] = static_cast<int>(i);
    int row_min = r2[0];
    for (size_t j = 1; j <= lb; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int best = std::min({r1[j] + 1, r2[j - 1] + 1, r1[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        best = std::min(best, r0[j - 2] + 1);
      }
      r2[j] = best;
      row_min = std::min(row_min, best);
    }
    // Every later cell comes from this row or the one before (swaps).
    if (row_min > max && previous_min > max) return max + 1;
    previous_min = row_min;
    int* oldest = r0;
    r0 = r1;
    r1 = r2;
    r2 = oldest;
  }
  return std::min(r1[lb], max + 1);
}

int DamerauLevenshtein(absl::string_view a, absl::string_view b) {
  const size_t la = a.size(), lb = b.size();
  if (la > 64 || lb > 64) return a == b ? 0 : static_cast<int>(std::max(la, lb));
  // No distance exceeds the longer length: the bound never cuts it short.
  return DamerauLevenshteinAtMost(a, b, static_cast<int>(std::max(la, lb)));
}

double EditSimilarity(absl::string_view a, absl::string_view b) {
  const size_t longer = std::max(a.size(), b.size());
  if (longer == 0) return 1.0;
  return 1.0 - static_cast<double>(DamerauLevenshtein(a, b)) / static_cast<double>(longer);
}

}  // namespace redflag::screening

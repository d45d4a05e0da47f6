// One restricted-party list made searchable: every name and alias of every
// entry, normalised once, behind an inverted index of words and of their
// one-edit variants, so a query scores a few dozen candidates instead of
// every name. Immutable once built: concurrent Screen calls are safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "detectors/screening/generic_words.h"
#include "detectors/screening/name_normalizer.h"
#include "detectors/screening/party_list.h"

namespace redflag::screening {

struct ScreeningOptions {
  // Hits scoring at least this (0-1) are reported.
  double threshold = 0.88;
  // Added to a hit's score when the query's country is one of the entry's.
  double country_boost = 0.02;
  size_t max_hits = 10;
  // Names scored per query, the best by shared rare words.
  size_t max_candidates = 64;
};

struct Hit {
  const ListEntry* entry = nullptr;
  std::string matched_name;  // as the list writes it
  bool alias = false;
  double score = 0;  // 0-1, country boost included
  // The same words as the listed name once normalised (order may differ).
  bool exact = false;
  bool country_match = false;
  // Why it matched, for a person: "same words after normalisation (legal
  // form ignored)", "word similarity 0.93 (Jaro-Winkler)", ...
  std::string reason;
};

class ScreeningIndex {
 public:
  // Takes the list; `normalizer` is used while building only.
  static std::unique_ptr<ScreeningIndex> Build(PartyList list, NameNormalizer& normalizer);

  // Hits at or above the threshold, best first; at most one per entry.
  // `country`: the query party's ISO alpha-2 country, or empty.
  std::vector<Hit> Screen(const NormalizedName& query, absl::string_view country,
                          const ScreeningOptions& options) const;

  const std::vector<ListEntry>& entries() const { return list_.entries; }
  const std::vector<RowProblem>& problems() const { return list_.problems; }
  // Rows of no entry of this version (PartyList::orphan_rows), and the first few.
  uint64_t orphan_rows() const { return list_.orphan_rows; }
  const std::vector<RowProblem>& orphans() const { return list_.orphans; }
  size_t name_count() const { return names_.size(); }

 private:
  struct IndexedName {
    uint32_t entry;
    uint32_t alias;               // 0 for the primary name, k for aliases[k - 1]
    std::vector<uint32_t> words;  // vocabulary ids, in order
    std::string joined;           // the words without spaces
    uint32_t joined_letters = 0;  // LetterSet(joined)
  };
  struct QueryWord {
    std::string text;
    uint32_t letters = 0;  // LetterSet(text)
    WordMeaning meaning;
  };
  struct Scored {
    double score = 0;
    bool exact = false;
    bool reordered = false;
    bool by_joined = false;
    // The first pair of words that matched only as spellings of one generic
    // word ("airlines", "air"); empty if none.
    absl::string_view query_spelling, listed_spelling;
  };

  ScreeningIndex() = default;
  uint32_t WordId(const std::string& word);
  void Post(uint32_t word, uint32_t name);
  // Vocabulary ids of `key`, and with `fuzzy` of words one edit away from it.
  void Lookup(const std::string& key, bool fuzzy, std::vector<uint32_t>& out) const;
  // `consonants`: the query was written in a script without short vowels
  // (Arabic), so both sides are compared as consonant skeletons. `needed`:
  // the score below which the exact value does not matter.
  Scored Score(const std::vector<QueryWord>& query, const QueryWord& joined,
               const IndexedName& name, bool consonants, double needed) const;

  PartyList list_;
  std::vector<IndexedName> names_;
  std::vector<std::string> vocabulary_;
  std::vector<uint32_t> vocabulary_letters_;  // LetterSet of each word
  std::vector<WordMeaning> vocabulary_meanings_;
  absl::flat_hash_map<std::string, uint32_t> word_ids_;
  std::vector<std::vector<uint32_t>> postings_;  // word id -> names holding it
  // A word with one character deleted -> the words it came from.
  absl::flat_hash_map<std::string, std::vector<uint32_t>> deletions_;
  // The consonant skeleton of a word ("melli" -> "ml") -> names holding it.
  absl::flat_hash_map<std::string, std::vector<uint32_t>> skeletons_;
};

}  // namespace redflag::screening

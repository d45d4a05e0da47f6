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

// A customer's address, telephone number or web domain that a listed entry
// also gives.
struct ContactHit {
  const ListEntry* entry = nullptr;
  std::string kind;    // "address", "phone", "web domain"
  std::string listed;  // as the list writes it
  double score = 0;    // 1 for a phone or domain; for an address, how alike (0-1)
};

class ScreeningIndex {
 public:
  // An address matches a listed one (with a number and a street) when this
  // share of the listed address's words, weighted by rarity, is in it, they
  // make up at least half of it, and their house numbers agree.
  static constexpr double kAddressThreshold = 0.8;

  // Takes the list; `normalizer` is used while building only.
  static std::unique_ptr<ScreeningIndex> Build(PartyList list, NameNormalizer& normalizer);

  // Hits at or above the threshold, best first; at most one per entry.
  // `country`: the query party's ISO alpha-2 country, or empty.
  std::vector<Hit> Screen(const NormalizedName& query, absl::string_view country,
                          const ScreeningOptions& options) const;

  // Listed entries giving this address, telephone number (its last nine
  // digits) or web domain (of a URL or e-mail address), best first.
  std::vector<ContactHit> ScreenAddress(absl::string_view address) const;
  std::vector<ContactHit> ScreenPhone(absl::string_view phone) const;
  std::vector<ContactHit> ScreenDomain(absl::string_view url_or_email) const;

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

  struct IndexedAddress {
    uint32_t entry;
    uint32_t index;               // in the entry's addresses
    std::vector<uint32_t> words;  // address-word ids, sorted, once each
  };
  void IndexContacts();

  PartyList list_;
  std::vector<IndexedAddress> addresses_;
  absl::flat_hash_map<std::string, uint32_t> address_word_ids_;
  std::vector<std::string> address_words_;               // id -> word
  std::vector<std::vector<uint32_t>> address_postings_;  // word -> addresses
  // PhoneKey / DomainOf -> (entry, index in its phones / domains).
  absl::flat_hash_map<std::string, std::vector<std::pair<uint32_t, uint32_t>>> phones_, domains_;
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

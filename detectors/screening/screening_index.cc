#include "detectors/screening/screening_index.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <optional>

#include "absl/container/inlined_vector.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "detectors/screening/contacts.h"
#include "detectors/screening/similarity.h"

namespace redflag::screening {
namespace {

// Words shorter than this match only exactly: one edit turns "ooo" into "oao".
constexpr size_t kMinFuzzyLength = 4;
// Word similarity below this counts as no match, so unrelated words of
// similar length add nothing.
constexpr double kWordFloor = 0.8;
// Jaro-Winkler forgives much in short words ("intel"/"inter" 0.92); capping it
// at the edit similarity plus this keeps one edit in five letters below the
// threshold while long words keep their typo tolerance.
constexpr double kEditAllowance = 0.05;
// Short words ("hu", "li", "al") weigh like four letters, so a name is not
// all but matched when only its short words differ.
constexpr double kMinWordWeight = 4;
// An unmatched generic word weighs this, whatever its length.
constexpr double kUnmatchedGenericWeight = 1;
// An unmatched country word weighs this many times its length.
constexpr double kUnmatchedCountryFactor = 2;
// Words of a listed name compared one by one; any beyond count as unmatched.
constexpr size_t kMaxScoredWords = 24;
// The best score a consonant-only comparison can give: enough for review,
// never a certain match.
constexpr double kConsonantsOnlyCap = 0.95;

// Which letters (and digit classes) a word holds, one bit each. One edit
// changes at most two bits, so differing bits bound the edit distance from
// below without computing it.
uint32_t LetterSet(absl::string_view s) {
  uint32_t set = 0;
  for (char c : s) {
    if (c >= 'a' && c <= 'z') set |= 1u << (c - 'a');
    if (c >= '0' && c <= '9') set |= 1u << (26 + (c - '0') % 6);
  }
  return set;
}

// LetterSet's bits for digits.
constexpr uint32_t kDigitBits = ~((1u << 26) - 1);

// The most EditSimilarity(a, b) can be, from lengths and letter sets alone.
double EditSimilarityBound(size_t la, uint32_t sa, size_t lb, uint32_t sb) {
  const size_t longer = std::max(la, lb);
  if (longer == 0) return 1.0;
  const size_t edits =
      std::max<size_t>(la > lb ? la - lb : lb - la, (std::popcount(sa ^ sb) + 1) / 2);
  return 1.0 - static_cast<double>(edits) / static_cast<double>(longer);
}

}  // namespace

namespace {

struct SideScore {
  double sum = 0;     // matched weight, similarity-weighted
  double weight = 0;  // all weight
};

// One side of a score: each word weighs its length (at least
// kMinWordWeight) times its best similarity to a word of the other side
// (`best[i]`, 0 if none). The name must share a word that says which party it
// is before one generic word it lacks is forgiven, and only one is: "Atlas
// Air Worldwide Holdings" is not "Atlas Holding". A country word it lacks
// weighs double: "X Bank of China" is not "X Bank".
template <typename LengthOf, typename ClassOf>
SideScore Tally(size_t count, const double* best, LengthOf length_of, ClassOf class_of) {
  int forgivable = 0;
  for (size_t i = 0; i < count && forgivable == 0; ++i) {
    if (best[i] > 0 && class_of(i) == WordClass::kName) forgivable = 1;
  }
  SideScore side;
  for (size_t i = 0; i < count; ++i) {
    double w = std::max<double>(kMinWordWeight, static_cast<double>(length_of(i)));
    if (best[i] == 0) {
      const WordClass c = class_of(i);
      if (c == WordClass::kGeneric && forgivable > 0) {
        w = kUnmatchedGenericWeight;
        --forgivable;
      } else if (c == WordClass::kCountry) {
        w *= kUnmatchedCountryFactor;
      }
    }
    side.sum += best[i] * w;
    side.weight += w;
  }
  return side;
}

// Words of a customer's address compared; more are ignored.
constexpr size_t kMaxAddressWords = 64;
// Listed addresses with fewer words (or no number) are not matched.
constexpr size_t kMinListedAddressWords = 3;
// The share of the customer's address a match must account for.
constexpr double kMinAddressCoverage = 0.5;
// Address words this common ("tehran", "moscow") find no candidates alone.
constexpr size_t kMaxAddressPostings = 500;

// House and postal numbers agree when those of one address are all among
// the other's ("20 Pedder St" and "Room 704, 20 Pedder St"), or one has none.
bool NumbersAgree(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.empty() || b.empty()) return true;
  auto within = [](const std::vector<std::string>& x, const std::vector<std::string>& y) {
    return std::all_of(x.begin(), x.end(), [&](const std::string& d) {
      return std::find(y.begin(), y.end(), d) != y.end();
    });
  };
  return within(a, b) || within(b, a);
}

bool HasDigit(absl::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return absl::ascii_isdigit(c); });
}

double WordSimilarity(absl::string_view a, uint32_t a_letters, absl::string_view b,
                      uint32_t b_letters) {
  if (a == b) return 1.0;
  if (a.size() < kMinFuzzyLength || b.size() < kMinFuzzyLength ||
      ((a_letters | b_letters) & kDigitBits) != 0) {
    return 0.0;
  }
  if (EditSimilarityBound(a.size(), a_letters, b.size(), b_letters) + kEditAllowance < kWordFloor) {
    return 0.0;
  }
  const double jw = JaroWinkler(a, b);
  if (jw < kWordFloor) return 0.0;
  // Edits beyond this leave the capped similarity under the floor anyway.
  const double longer = static_cast<double>(std::max(a.size(), b.size()));
  const int max_edits = static_cast<int>((1.0 - (kWordFloor - kEditAllowance)) * longer);
  const int edits = DamerauLevenshteinAtMost(a, b, max_edits);
  if (edits > max_edits) return 0.0;
  const double s = std::min(jw, 1.0 - edits / longer + kEditAllowance);
  return s < kWordFloor ? 0.0 : s;
}

// A word as a script without short vowels writes it: vowels and the
// letters that double as vowels dropped, doubled letters single ("melli" ->
// "ml", "iran" -> "rn"), so "mly" (from Arabic) meets "melli".
std::string Skeleton(absl::string_view word) {
  std::string out;
  for (char c : word) {
    if (absl::string_view("aeiouyw").find(c) != absl::string_view::npos) continue;
    if (out.empty() || out.back() != c) out.push_back(c);
  }
  return out;
}

// Scripts that leave short vowels unwritten.
bool WritesConsonantsOnly(absl::string_view script) {
  return script == "Arabic" || script == "Hebrew" || script == "Syriac" || script == "Thaana";
}

// Names in parentheses are often the acronym or another name of the party:
// "National University of Defense Technology (NUDT)" is also found as
// "National University of Defense Technology" and as "NUDT".
std::vector<std::string> NameVariants(const std::string& name) {
  std::vector<std::string> variants{name};
  size_t open = name.find('(');
  size_t close = open == std::string::npos ? std::string::npos : name.find(')', open);
  if (close == std::string::npos) return variants;
  variants.push_back(name.substr(0, open) + name.substr(close + 1));
  variants.push_back(name.substr(open + 1, close - open - 1));
  return variants;
}

}  // namespace

uint32_t ScreeningIndex::WordId(const std::string& word) {
  auto [it, fresh] = word_ids_.emplace(word, static_cast<uint32_t>(vocabulary_.size()));
  if (!fresh) return it->second;
  vocabulary_.push_back(word);
  vocabulary_letters_.push_back(LetterSet(word));
  vocabulary_meanings_.push_back(MeaningOf(word));
  postings_.emplace_back();
  if (word.size() >= kMinFuzzyLength) {
    for (size_t i = 0; i < word.size(); ++i) {
      std::string d = word;
      d.erase(i, 1);
      std::vector<uint32_t>& ids = deletions_[d];
      if (ids.empty() || ids.back() != it->second) ids.push_back(it->second);
    }
  }
  return it->second;
}

void ScreeningIndex::Post(uint32_t word, uint32_t name) {
  std::vector<uint32_t>& p = postings_[word];
  if (p.empty() || p.back() != name) p.push_back(name);
}

std::unique_ptr<ScreeningIndex> ScreeningIndex::Build(PartyList list, NameNormalizer& normalizer) {
  std::unique_ptr<ScreeningIndex> index(new ScreeningIndex);
  index->list_ = std::move(list);
  const std::vector<ListEntry>& entries = index->list_.entries;
  for (uint32_t e = 0; e < entries.size(); ++e) {
    for (uint32_t a = 0; a <= entries[e].aliases.size(); ++a) {
      const std::string& raw = a == 0 ? entries[e].name : entries[e].aliases[a - 1];
      const std::vector<std::string> variants = NameVariants(raw);
      for (size_t v = 0; v < variants.size(); ++v) {
        NormalizedName n = normalizer.Normalize(variants[v]);
        // "(Ltd)" is no name of its own.
        if (n.words.empty() || (v > 0 && n.legal_form_only)) continue;
        IndexedName name{e, a, {}, absl::StrJoin(n.words, ""), 0};
        name.joined_letters = LetterSet(name.joined);
        const auto id = static_cast<uint32_t>(index->names_.size());
        for (size_t w = 0; w < n.words.size(); ++w) {
          name.words.push_back(index->WordId(n.words[w]));
          index->Post(name.words.back(), id);
          // Two words written as one ("bei jing" / "beijing") still meet.
          if (w + 1 < n.words.size()) index->Post(index->WordId(n.words[w] + n.words[w + 1]), id);
          std::vector<uint32_t>& s = index->skeletons_[Skeleton(n.words[w])];
          if (s.empty() || s.back() != id) s.push_back(id);
        }
        index->names_.push_back(std::move(name));
      }
    }
  }
  index->IndexContacts();
  return index;
}

void ScreeningIndex::IndexContacts() {
  const std::vector<ListEntry>& entries = list_.entries;
  for (uint32_t e = 0; e < entries.size(); ++e) {
    for (uint32_t i = 0; i < entries[e].phones.size(); ++i) {
      if (std::string k = PhoneKey(entries[e].phones[i]); !k.empty()) phones_[k].push_back({e, i});
    }
    for (uint32_t i = 0; i < entries[e].domains.size(); ++i) {
      if (std::string k = DomainOf(entries[e].domains[i]); !k.empty()) {
        domains_[k].push_back({e, i});
      }
    }
    for (uint32_t i = 0; i < entries[e].addresses.size(); ++i) {
      IndexedAddress a{e, i, {}};
      const std::vector<std::string> words = AddressWords(entries[e].addresses[i]);
      // "Tehran, Iran" locates no one: a listed address needs a number and a street.
      const bool numbered = std::any_of(words.begin(), words.end(), [](const std::string& w) {
        return absl::ascii_isdigit(static_cast<unsigned char>(w[0]));
      });
      if (!numbered || words.size() < kMinListedAddressWords) continue;
      for (const std::string& w : words) {
        auto [it, fresh] =
            address_word_ids_.emplace(w, static_cast<uint32_t>(address_postings_.size()));
        if (fresh) {
          address_postings_.emplace_back();
          address_words_.push_back(w);
        }
        a.words.push_back(it->second);
      }
      std::sort(a.words.begin(), a.words.end());
      a.words.erase(std::unique(a.words.begin(), a.words.end()), a.words.end());
      if (a.words.empty()) continue;
      const auto id = static_cast<uint32_t>(addresses_.size());
      for (uint32_t w : a.words) address_postings_[w].push_back(id);
      addresses_.push_back(std::move(a));
    }
  }
}

std::vector<ContactHit> ScreeningIndex::ScreenPhone(absl::string_view phone) const {
  std::vector<ContactHit> hits;
  auto it = phones_.find(PhoneKey(phone));
  if (it == phones_.end()) return hits;
  for (const auto& [e, i] : it->second) {
    hits.push_back({&list_.entries[e], "phone", list_.entries[e].phones[i], 1.0});
  }
  return hits;
}

std::vector<ContactHit> ScreeningIndex::ScreenDomain(absl::string_view url_or_email) const {
  std::vector<ContactHit> hits;
  auto it = domains_.find(DomainOf(url_or_email));
  if (it == domains_.end()) return hits;
  for (const auto& [e, i] : it->second) {
    hits.push_back({&list_.entries[e], "web domain", list_.entries[e].domains[i], 1.0});
  }
  return hits;
}

std::vector<ContactHit> ScreeningIndex::ScreenAddress(absl::string_view address) const {
  std::vector<ContactHit> hits;
  std::vector<std::string> words = AddressWords(address);
  if (words.size() > kMaxAddressWords) words.resize(kMaxAddressWords);
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  if (words.empty() || addresses_.empty()) return hits;
  // A word weighs its rarity among listed addresses; one no listed address
  // has weighs most.
  const double n = static_cast<double>(addresses_.size());
  auto idf = [&](size_t postings) { return std::log(1.0 + n / std::max<size_t>(1, postings)); };
  std::vector<int64_t> query_ids;  // -1: not in any listed address
  std::vector<std::string> query_digits;
  double query_weight = 0;
  absl::flat_hash_map<uint32_t, double> shared;  // address -> weight of shared words
  for (const std::string& w : words) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(w[0]))) query_digits.push_back(w);
    auto it = address_word_ids_.find(w);
    if (it == address_word_ids_.end()) {
      query_weight += idf(0);
      continue;
    }
    const std::vector<uint32_t>& postings = address_postings_[it->second];
    const double weight = idf(postings.size());
    query_weight += weight;
    if (postings.size() > kMaxAddressPostings) continue;  // "hong", "kong": never alone
    for (uint32_t a : postings) shared[a] += weight;
  }
  for (const auto& [a, common] : shared) {
    const IndexedAddress& listed = addresses_[a];
    double listed_weight = 0;
    std::vector<std::string> listed_digits;
    for (uint32_t w : listed.words) {
      listed_weight += idf(address_postings_[w].size());
      const std::string& word = address_words_[w];
      if (absl::ascii_isdigit(static_cast<unsigned char>(word[0]))) listed_digits.push_back(word);
    }
    const std::string& text = list_.entries[listed.entry].addresses[listed.index];
    // The words common to both, counted once, over all of both.
    double both = common;
    for (uint32_t w : listed.words) {
      if (address_postings_[w].size() > kMaxAddressPostings &&
          std::binary_search(words.begin(), words.end(), address_words_[w])) {
        both += idf(address_postings_[w].size());
      }
    }
    // Most of the listed address is in the customer's (which may say more),
    // and the customer's is not mostly something else.
    const double score = both / listed_weight;
    if (score < kAddressThreshold || both < kMinAddressCoverage * query_weight ||
        !NumbersAgree(query_digits, listed_digits)) {
      continue;
    }
    hits.push_back({&list_.entries[listed.entry], "address", text, score});
  }
  std::sort(hits.begin(), hits.end(), [](const ContactHit& x, const ContactHit& y) {
    return x.score != y.score ? x.score > y.score : x.entry->id < y.entry->id;
  });
  return hits;
}

void ScreeningIndex::Lookup(const std::string& key, bool fuzzy, std::vector<uint32_t>& out) const {
  auto add_word = [&](const std::string& w) {
    if (auto it = word_ids_.find(w); it != word_ids_.end()) out.push_back(it->second);
  };
  auto add_deleted = [&](const std::string& d) {
    if (auto it = deletions_.find(d); it != deletions_.end()) {
      out.insert(out.end(), it->second.begin(), it->second.end());
    }
  };
  add_word(key);
  if (!fuzzy || key.size() < kMinFuzzyLength || HasDigit(key)) return;
  add_deleted(key);  // listed words with one more character
  std::string d;
  for (size_t i = 0; i < key.size(); ++i) {
    d.assign(key).erase(i, 1);
    add_word(d);     // one character fewer
    add_deleted(d);  // one character different, or two swapped
  }
}

ScreeningIndex::Scored ScreeningIndex::Score(const std::vector<QueryWord>& query,
                                             const QueryWord& joined, const IndexedName& name,
                                             bool consonants, double needed) const {
  Scored s;
  const size_t n = name.words.size();
  const size_t scored = std::min(n, kMaxScoredWords);
  // Built only for consonant-only queries: 24 strings per name scored cost more
  // than the scoring itself.
  std::optional<std::array<std::string, kMaxScoredWords>> skeletons;
  if (consonants) skeletons.emplace();
  absl::string_view listed[kMaxScoredWords];
  uint32_t letters[kMaxScoredWords];
  WordMeaning meanings[kMaxScoredWords];
  double best_listed[kMaxScoredWords] = {};
  for (size_t i = 0; i < scored; ++i) {
    if (consonants) {
      (*skeletons)[i] = Skeleton(vocabulary_[name.words[i]]);
      listed[i] = (*skeletons)[i];
    } else {
      listed[i] = vocabulary_[name.words[i]];
    }
    letters[i] = vocabulary_letters_[name.words[i]];
    meanings[i] = vocabulary_meanings_[name.words[i]];
  }
  absl::InlinedVector<double, 16> best_query(query.size(), 0.0);
  for (size_t q = 0; q < query.size(); ++q) {
    for (size_t i = 0; i < scored; ++i) {
      // Skeletons are short and alike: only equal ones count. Two spellings of
      // one generic word ("intl", "international") are the same word.
      const uint16_t equivalent = query[q].meaning.equivalent;
      double sim;
      if (consonants) {
        sim = query[q].text == listed[i] ? 1.0 : 0.0;
      } else if (equivalent != 0 && equivalent == meanings[i].equivalent) {
        sim = 1.0;
        if (s.query_spelling.empty() && query[q].text != listed[i]) {
          s.query_spelling = query[q].text;
          s.listed_spelling = listed[i];
        }
      } else {
        sim = WordSimilarity(query[q].text, query[q].letters, listed[i], letters[i]);
      }
      best_query[q] = std::max(best_query[q], sim);
      best_listed[i] = std::max(best_listed[i], sim);
    }
  }
  const SideScore q = Tally(
      query.size(), best_query.data(), [&](size_t i) { return query[i].text.size(); },
      [&](size_t i) { return query[i].meaning.word_class; });
  const SideScore l = Tally(
      scored, best_listed, [&](size_t i) { return listed[i].size(); },
      [&](size_t i) { return meanings[i].word_class; });
  // Words beyond the scored ones count as unmatched short words.
  const double query_sum = q.sum, query_weight = q.weight, listed_sum = l.sum;
  const double listed_weight = l.weight + static_cast<double>(n - scored) * kMinWordWeight;
  if (query_weight + listed_weight == 0) return s;
  s.score = (query_sum + listed_sum) / (query_weight + listed_weight);
  // Spacing differs ("bei jing" / "beijing"): compare the letters alone, when
  // that could matter.
  if (!consonants && query.size() != n &&
      EditSimilarityBound(joined.text.size(), joined.letters, name.joined.size(),
                          name.joined_letters) > std::max(s.score, needed)) {
    // Only a distance that beats the score so far matters.
    const double longer = static_cast<double>(std::max(joined.text.size(), name.joined.size()));
    const int max_edits = static_cast<int>((1.0 - std::max(s.score, needed)) * longer);
    const int edits = DamerauLevenshteinAtMost(joined.text, name.joined, max_edits);
    const double by_joined = edits > max_edits ? 0.0 : 1.0 - edits / longer;
    if (by_joined > s.score) {
      s.score = by_joined;
      s.by_joined = true;
    }
  }
  if (consonants) {
    // Vowels were guessed: never certain.
    s.score = std::min(s.score, kConsonantsOnlyCap);
    return s;
  }
  if (query.size() == n && s.score >= 1.0) {
    std::vector<absl::string_view> a, b(listed, listed + scored);
    for (const QueryWord& q : query) a.push_back(q.text);
    s.reordered = a != b;
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    s.exact = a == b;
  }
  return s;
}

std::vector<Hit> ScreeningIndex::Screen(const NormalizedName& query, absl::string_view country,
                                        const ScreeningOptions& options) const {
  std::vector<Hit> hits;
  if (query.words.empty() || names_.empty()) return hits;
  const bool consonants = WritesConsonantsOnly(query.script);
  // The query's words, each once ("Johnson & Johnson" counts "johnson" once),
  // as skeletons for consonant-only scripts.
  std::vector<QueryWord> words;
  for (const std::string& w : query.words) {
    std::string text = consonants ? Skeleton(w) : w;
    if (text.empty()) continue;
    if (std::none_of(words.begin(), words.end(),
                     [&](const QueryWord& q) { return q.text == text; })) {
      const uint32_t letters = LetterSet(text);
      const WordMeaning meaning = consonants ? WordMeaning{} : MeaningOf(text);
      words.push_back({std::move(text), letters, meaning});
    }
  }
  if (words.empty()) return hits;

  // Candidates: names sharing words (or near-words) with the query, ranked by
  // how rare the shared words are. Two or three adjacent query words are also
  // looked up joined, for names that write them as one.
  absl::flat_hash_map<uint32_t, double> weight;
  weight.reserve(256);
  const double n = static_cast<double>(names_.size());
  auto credit = [&](const std::vector<uint32_t>& postings) {
    const double idf = std::log(1.0 + n / static_cast<double>(postings.size()));
    for (uint32_t name : postings) weight[name] += idf;
  };
  if (consonants) {
    for (const QueryWord& w : words) {
      if (auto it = skeletons_.find(w.text); it != skeletons_.end()) credit(it->second);
    }
  } else {
    std::vector<uint32_t> matched;
    for (size_t i = 0; i < query.words.size(); ++i) {
      std::string key = query.words[i];
      Lookup(key, /*fuzzy=*/true, matched);
      for (size_t j = i + 1; j < query.words.size() && j < i + 3; ++j) {
        key += query.words[j];
        Lookup(key, /*fuzzy=*/false, matched);
      }
    }
    std::sort(matched.begin(), matched.end());
    matched.erase(std::unique(matched.begin(), matched.end()), matched.end());
    for (uint32_t w : matched) credit(postings_[w]);
  }
  std::vector<std::pair<double, uint32_t>> ranked;
  ranked.reserve(weight.size());
  for (const auto& [name, w] : weight) ranked.emplace_back(w, name);
  const size_t keep = std::min(options.max_candidates, ranked.size());
  auto better = [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  };
  if (keep < ranked.size()) {
    std::nth_element(ranked.begin(), ranked.begin() + static_cast<long>(keep), ranked.end(),
                     better);
  }
  std::sort(ranked.begin(), ranked.begin() + static_cast<long>(keep), better);
  ranked.resize(keep);

  QueryWord joined{absl::StrJoin(consonants ? std::vector<std::string>{} : query.words, ""), 0, {}};
  joined.letters = LetterSet(joined.text);
  const double needed = options.threshold - options.country_boost;
  absl::flat_hash_map<uint32_t, size_t> hit_of_entry;
  for (const auto& [unused, name_id] : ranked) {
    const IndexedName& name = names_[name_id];
    const Scored s = Score(words, joined, name, consonants, needed);
    if (s.score < needed) continue;
    const ListEntry& entry = list_.entries[name.entry];
    const bool country_match =
        !country.empty() &&
        std::find(entry.countries.begin(), entry.countries.end(), country) != entry.countries.end();
    const double score = std::min(1.0, s.score + (country_match ? options.country_boost : 0.0));
    if (score < options.threshold) continue;
    auto [slot, fresh] = hit_of_entry.emplace(name.entry, hits.size());
    if (!fresh && hits[slot->second].score >= score) continue;
    Hit hit;
    hit.entry = &entry;
    hit.alias = name.alias != 0;
    hit.matched_name = hit.alias ? entry.aliases[name.alias - 1] : entry.name;
    hit.score = score;
    hit.exact = s.exact;
    hit.country_match = country_match;
    std::vector<std::string> why;
    if (!query.script.empty()) why.push_back(absl::StrCat("transliterated from ", query.script));
    if (s.exact) {
      why.push_back(s.reordered ? "same words in another order" : "same words after normalisation");
      if (query.legal_form_removed) why.back() += " (legal form ignored)";
    } else if (consonants) {
      why.push_back(absl::StrFormat(
          "consonants compared (the script writes few vowels), similarity %.2f", s.score));
    } else if (!s.query_spelling.empty() && s.score >= 1.0) {
      why.push_back(absl::StrCat("same words, \"", s.query_spelling, "\" read as \"",
                                 s.listed_spelling, "\" (one generic word)"));
    } else if (s.by_joined) {
      why.push_back(absl::StrFormat("same letters spaced differently, similarity %.2f", s.score));
    } else {
      why.push_back(absl::StrFormat("word similarity %.2f (Jaro-Winkler)", s.score));
    }
    why.push_back(absl::StrCat(hit.alias ? "alias" : "primary name", " of ", entry.source_code,
                               " entry ", entry.id));
    if (country_match) why.push_back(absl::StrCat("country ", country, " matches the listing"));
    hit.reason = absl::StrJoin(why, "; ");
    if (fresh) {
      hits.push_back(std::move(hit));
    } else {
      hits[slot->second] = std::move(hit);
    }
  }
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.country_match != b.country_match) return a.country_match;
    return a.entry->id < b.entry->id;
  });
  if (hits.size() > options.max_hits) hits.resize(options.max_hits);
  return hits;
}

}  // namespace redflag::screening

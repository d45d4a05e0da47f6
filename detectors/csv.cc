#include "detectors/csv.h"

#include "absl/strings/str_cat.h"

namespace redflag::detectors {

std::vector<CsvRecord> ParseCsvRecords(absl::string_view text, int* unclosed_quote_line) {
  *unclosed_quote_line = 0;
  std::vector<CsvRecord> records;
  CsvRecord record;
  std::string field;
  int line = 1;
  bool in_quotes = false;
  bool record_has_content = false;
  int quote_line = 0;
  record.line = 1;
  auto end_field = [&] {
    record.fields.push_back(std::move(field));
    field.clear();
  };
  auto end_record = [&] {
    end_field();
    if (record_has_content) records.push_back(std::move(record));
    record = CsvRecord();
    record_has_content = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    switch (c) {
      case '"':
        in_quotes = true;
        quote_line = line;
        record_has_content = true;
        break;
      case ',':
        end_field();
        record_has_content = true;
        break;
      case '\r':
        break;  // CRLF: the \n ends the record
      case '\n':
        end_record();
        ++line;
        record.line = line;
        break;
      default:
        field.push_back(c);
        record_has_content = true;
    }
  }
  if (in_quotes) {
    *unclosed_quote_line = quote_line;
    return records;
  }
  end_record();
  return records;
}

absl::StatusOr<std::vector<CsvRecord>> ParseCsv(absl::string_view text) {
  int unclosed = 0;
  std::vector<CsvRecord> records = ParseCsvRecords(text, &unclosed);
  if (unclosed != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", unclosed, ": a quoted field is not closed"));
  }
  return records;
}

}  // namespace redflag::detectors

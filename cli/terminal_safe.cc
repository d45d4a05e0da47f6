#include "cli/terminal_safe.h"

#include "absl/strings/str_format.h"

namespace redflag::cli {
namespace {

// The length of a UTF-8 sequence from its first byte (1 for anything else).
size_t SequenceLength(unsigned char c) {
  if (c >= 0xF0 && c <= 0xF4) return 4;
  if (c >= 0xE0) return 3;
  if (c >= 0xC2 && c <= 0xDF) return 2;
  return 1;
}

// Appends `text[0, n)` escaped, except a trailing incomplete UTF-8 sequence,
// whose length it returns.
size_t Escape(const std::string& text, std::string& out) {
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const size_t len = SequenceLength(c);
    if (i + len > text.size()) return text.size() - i;  // wait for the rest
    uint32_t cp = c;
    if (len == 2) cp = ((c & 0x1F) << 6) | (text[i + 1] & 0x3F);
    if (len == 3) cp = ((c & 0x0F) << 12) | ((text[i + 1] & 0x3F) << 6) | (text[i + 2] & 0x3F);
    const bool control =
        (cp < 0x20 && cp != '\n' && cp != '\t') || cp == 0x7F ||
        (len == 2 && cp >= 0x80 && cp <= 0x9F) ||
        (len == 3 && ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
                      cp == 0x200E || cp == 0x200F || cp == 0x061C));
    if (control) {
      out += absl::StrFormat("\\u%04x", cp);
    } else {
      out.append(text, i, len);
    }
    i += len;
  }
  return 0;
}

}  // namespace

std::string TerminalSafe(const std::string& text) {
  std::string out;
  const size_t rest = Escape(text, out);
  out.append(text, text.size() - rest, rest);  // an incomplete sequence as it is
  return out;
}

TerminalSafeBuf::int_type TerminalSafeBuf::overflow(int_type c) {
  if (c == traits_type::eof()) return traits_type::not_eof(c);
  pending_.push_back(static_cast<char>(c));
  if (c == '\n' || pending_.size() > 4096) sync();
  return c;
}

std::streamsize TerminalSafeBuf::xsputn(const char* s, std::streamsize n) {
  pending_.append(s, static_cast<size_t>(n));
  if (pending_.size() > 4096 || pending_.find('\n') != std::string::npos) sync();
  return n;
}

int TerminalSafeBuf::sync() {
  std::string out;
  const size_t rest = Escape(pending_, out);
  pending_.erase(0, pending_.size() - rest);
  out_->sputn(out.data(), static_cast<std::streamsize>(out.size()));
  return out_->pubsync();
}

}  // namespace redflag::cli

// Everything redflagctl prints passes through here: text from the daemon is
// data (customer names, list entries, comments), and a name holding escape
// codes, carriage returns or bidirectional overrides could redraw the
// screen or forge a line. Control characters other than newline and tab
// (C0, DEL, C1) and the Unicode bidi controls are shown as \uXXXX, which is
// also valid inside JSON strings, so --json output stays parseable.
#pragma once

#include <ostream>
#include <streambuf>
#include <string>

namespace redflag::cli {

// `text` with every such character as \uXXXX.
std::string TerminalSafe(const std::string& text);

// A stream buffer that escapes what passes through it into `out`.
class TerminalSafeBuf : public std::streambuf {
 public:
  explicit TerminalSafeBuf(std::streambuf* out) : out_(out) {}
  ~TerminalSafeBuf() override { sync(); }

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  std::streambuf* out_;
  std::string pending_;
};

}  // namespace redflag::cli

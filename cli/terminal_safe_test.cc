#include "cli/terminal_safe.h"

#include <gtest/gtest.h>

#include <sstream>

namespace redflag::cli {
namespace {

TEST(TerminalSafe, ControlCharactersAndBidiOverridesAreShownNotObeyed) {
  EXPECT_EQ(TerminalSafe("Evil\x1b[2J Co\rheadquarters: US"),
            "Evil\\u001b[2J Co\\u000dheadquarters: US");
  EXPECT_EQ(TerminalSafe("a\x7f"
                         "b\xc2\x9b"
                         "c"),
            "a\\u007fb\\u009bc");  // DEL, C1 CSI
  EXPECT_EQ(TerminalSafe("Parent \xe2\x80\xae"
                         "SU"),
            "Parent \\u202eSU");
  EXPECT_EQ(TerminalSafe("\xe2\x81\xa6x\xe2\x81\xa9"), "\\u2066x\\u2069");
  // What is ours to print stays: lines, tabs, any script.
  EXPECT_EQ(TerminalSafe("line 1\n\tРособоронэкспорт 北京\n"), "line 1\n\tРособоронэкспорт 北京\n");
}

TEST(TerminalSafe, AStreamEscapesSequencesSplitAcrossWrites) {
  std::stringstream sink;
  {
    TerminalSafeBuf buf(sink.rdbuf());
    std::ostream out(&buf);
    out << "x\xe2\x80";  // the override's first two bytes in one write
    out << "\xae"
        << "y\x1b" << std::flush;
    out << "z\n";
  }
  EXPECT_EQ(sink.str(), "x\\u202ey\\u001bz\n");
}

}  // namespace
}  // namespace redflag::cli

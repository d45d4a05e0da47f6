#include "detectors/screening/name_normalizer.h"

#include "detectors/screening/test_lists.h"
#include "gtest/gtest.h"

namespace redflag::screening {
namespace {

std::vector<std::string> Words(const std::string& name) {
  return testing::TestNormalizer().Normalize(name).words;
}
using V = std::vector<std::string>;

TEST(NameNormalizer, CasePunctuationAndInitials) {
  EXPECT_EQ(Words("  ROSNEFT   Trading, S.A. "), (V{"rosneft", "trading"}));
  EXPECT_EQ(Words("O'Brien & Sons"), (V{"obrien", "sons"}));
  EXPECT_EQ(Words("Al-Haramain: Albania Branch"), (V{"al", "haramain", "albania", "branch"}));
  EXPECT_EQ(Words("A.B.C. Trading"), (V{"abc", "trading"}));
  EXPECT_EQ(Words("Institute No. 201"), (V{"institute", "no", "201"}));
}

TEST(NameNormalizer, AccentsAndWidthFold) {
  EXPECT_EQ(Words("Société Générale"), (V{"societe", "generale"}));
  EXPECT_EQ(Words("Müller GmbH"), (V{"muller"}));
  EXPECT_EQ(Words("ＳＨＥＮＺＨＥＮ Ｔｅｃｈ"), (V{"shenzhen", "tech"}));
  EXPECT_EQ(Words("\uFB01nance Ⓐlpha"), (V{"finance", "alpha"}));  // ligature, circled letter
  // A mis-decoded apostrophe (U+0092) as the CSL has it: "Xi\u0092an".
  EXPECT_EQ(Words("Xi\xC2\x92"
                  "an Aero"),
            (V{"xian", "aero"}));
}

TEST(NameNormalizer, LegalFormsGoInEveryScriptTheListsUse) {
  EXPECT_EQ(Words("VTB Bank Public Joint Stock Company"), (V{"vtb", "bank"}));
  EXPECT_EQ(Words("JSC VTB Bank"), (V{"vtb", "bank"}));
  EXPECT_EQ(Words("Huawei Technologies Co., Ltd."), (V{"huawei", "technologies"}));
  EXPECT_EQ(Words("Plus Tech Compny Ltd"), (V{"plus", "tech"}));  // misspelt form
  EXPECT_EQ(Words("ПАО Сбербанк"), (V{"sberbank"}));
  EXPECT_EQ(Words("Публичное акционерное общество Транснефть"), (V{"transneft"}));
  EXPECT_EQ(Words("AKTSIONERNOE OBSHCHESTVO TRANSNEFT"), (V{"transneft"}));
  EXPECT_EQ(Words("华为技术有限公司"), (V{"hua", "wei", "ji", "shu"}));
  EXPECT_EQ(Words("BEIJING HAILI YOUXIAN GONGSI"), (V{"beijing", "haili"}));
  EXPECT_EQ(Words("ZHONGGUO JIXIE ZONGGONGSI"), (V{"zhongguo", "jixie", "zong"}));
  // A name that is nothing but a legal form keeps its words.
  EXPECT_EQ(Words("Company Limited"), (V{"company", "limited"}));
  EXPECT_TRUE(testing::TestNormalizer().Normalize("Company Limited").legal_form_only);
  EXPECT_TRUE(testing::TestNormalizer().Normalize("Alpha LLC").legal_form_removed);
  EXPECT_FALSE(testing::TestNormalizer().Normalize("Alpha Beta").legal_form_removed);
}

TEST(NameNormalizer, OtherScriptsAreTransliteratedAndNamed) {
  NormalizedName cyrillic = testing::TestNormalizer().Normalize("Сбербанк России");
  EXPECT_EQ(cyrillic.words, (V{"sberbank", "rossii"}));
  EXPECT_EQ(cyrillic.script, "Cyrillic");
  EXPECT_EQ(Words("Рособоронэкспорт"), (V{"rosoboroneksport"}));  // BGN/PCGN, no middle dot
  NormalizedName han = testing::TestNormalizer().Normalize("北京海力联合科技");
  EXPECT_EQ(han.words, (V{"bei", "jing", "hai", "li", "lian", "he", "ke", "ji"}));
  EXPECT_EQ(han.script, "Han");
  NormalizedName arabic = testing::TestNormalizer().Normalize("بنك ملي ايران");
  EXPECT_EQ(arabic.words, (V{"bnk", "mly", "ayran"}));
  EXPECT_EQ(arabic.script, "Arabic");
  EXPECT_EQ(testing::TestNormalizer().Normalize("Bank Melli").script, "");
}

TEST(NameNormalizer, NothingLeftIsNoWords) {
  EXPECT_TRUE(Words("").empty());
  EXPECT_TRUE(Words(" .,;-- ").empty());
  EXPECT_TRUE(Words("\xff\xfe").empty());  // not UTF-8
}

}  // namespace
}  // namespace redflag::screening

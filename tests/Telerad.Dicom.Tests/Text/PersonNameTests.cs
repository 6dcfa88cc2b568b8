using System.Text.Json.Nodes;

namespace Telerad.Dicom.Tests.Text;

/// <summary>Person Name values (PS3.5 6.2.1): the standard's examples, formatting, name parts, and pydicom's parsing of real files.</summary>
public class PersonNameTests
{
    [Theory]
    [InlineData("Adams^John Robert Quincy^^Rev.^B.A. M.Div.", "Adams", "John Robert Quincy", "", "Rev.", "B.A. M.Div.", "Rev. John Robert Quincy Adams, B.A. M.Div.")]
    [InlineData("Morrison-Jones^Susan^^^Ph.D., Chief Executive Officer", "Morrison-Jones", "Susan", "", "", "Ph.D., Chief Executive Officer", "Susan Morrison-Jones, Ph.D., Chief Executive Officer")]
    [InlineData("Doe^John", "Doe", "John", "", "", "", "John Doe")]
    [InlineData("Smith^Fluffy", "Smith", "Fluffy", "", "", "", "Fluffy Smith")]
    public void Standard_examples_parse_into_components_and_read_as_the_standard_reads_them(
        string value, string family, string given, string middle, string prefix, string suffix, string display)
    {
        // PS3.5 6.2.1.1 gives each example with the name it stands for.
        var name = DicomPersonName.Parse(value);
        Assert.Equal(family, name.FamilyName);
        Assert.Equal(given, name.GivenName);
        Assert.Equal(middle, name.MiddleName);
        Assert.Equal(prefix, name.NamePrefix);
        Assert.Equal(suffix, name.NameSuffix);
        Assert.Equal(display, name.ToDisplayString());
        Assert.Equal(value, name.ToString());
    }

    [Theory]
    [InlineData("Doe^John^^^", "Doe^John")] // trailing null components and their delimiters may be left out
    [InlineData("Doe^John^^^=", "Doe^John")]
    [InlineData("Wang^XiaoDong=王^小東=", "Wang^XiaoDong=王^小東")] // PS3.5 J.1: a trailing empty group
    [InlineData("^^^^", "")]
    [InlineData("", "")]
    [InlineData("=山田^太郎", "=山田^太郎")] // no alphabetic group: its delimiter stays
    [InlineData("==やまだ^たろう", "==やまだ^たろう")]
    [InlineData("Yamada^Tarou=山田^太郎=やまだ^たろう", "Yamada^Tarou=山田^太郎=やまだ^たろう")]
    [InlineData("^John", "^John")]
    [InlineData(" Doe ^ John ", " Doe ^ John ")] // spaces inside a value are kept as they are
    [InlineData("A^B^C^D^E^F", "A^B^C^D^E^F")] // six components: not valid, but nothing is lost
    [InlineData("a=b=c=d", "a=b=c=d")] // four groups: likewise
    public void Formatting_drops_trailing_empty_components_and_groups_only(string value, string formatted)
    {
        Assert.Equal(formatted, DicomPersonName.Parse(value).ToString());
    }

    [Fact]
    public void Name_parts_are_every_component_of_every_group_once()
    {
        var japanese = DicomPersonName.Parse("Yamada^Tarou=山田^太郎=やまだ^たろう");
        Assert.Equal(["Yamada", "Tarou", "山田", "太郎", "やまだ", "たろう"], japanese.NameParts);
        Assert.Equal("Tarou Yamada", japanese.ToDisplayString());
        Assert.Equal("山田 太郎", DicomPersonName.Parse("=山田^太郎").ToDisplayString());

        var adams = DicomPersonName.Parse("Adams^John Robert Quincy^^Rev.^B.A. M.Div.");
        Assert.Equal(["Adams", "John Robert Quincy", "Rev.", "B.A. M.Div."], adams.NameParts);
        Assert.Equal(["Adams", "John", "Robert", "Quincy", "Rev.", "B.A.", "M.Div."], adams.NameWords);

        Assert.Equal(["Doe", "John"], DicomPersonName.Parse(" Doe ^John^^^=Doe").NameParts);
        Assert.Equal(["A", "B", "E", "F"], DicomPersonName.Parse("A^B^^^E^F").NameParts);
        Assert.Empty(DicomPersonName.Parse("^^^^").NameParts);
        Assert.True(DicomPersonName.Parse("^^^^=^").IsEmpty);
    }

    [Fact]
    public void Groups_can_be_built_and_compared()
    {
        var built = new DicomPersonName(new DicomPersonNameGroup("Yamada", "Tarou"), new DicomPersonNameGroup("山田", "太郎"));
        Assert.Equal("Yamada^Tarou=山田^太郎", built.ToString());
        Assert.Equal(DicomPersonName.Parse("Yamada^Tarou=山田^太郎^^^="), built);
        Assert.Equal(new DicomPersonName("Yamada^Tarou", "山田^太郎", string.Empty), built);
        Assert.Equal("山田^太郎", built.Ideographic);
        Assert.Equal(string.Empty, built.Phonetic);
    }

    [Fact]
    public void Multi_valued_person_names_come_through_the_data_set()
    {
        // chrFrenMulti: Other Patient Names (0010,1001) holds two values; chrJapMulti likewise, in ISO 2022 IR 87.
        using var french = DicomFile.Open(Path.Combine(TestData.PydicomCharsetFiles, "chrFrenMulti.dcm"));
        var names = french.Dataset.GetPersonNames(DicomTags.OtherPatientNames);
        Assert.Equal(2, names.Length);
        Assert.All(names, n => Assert.Equal("Jérôme", n.GivenName));
        Assert.Equal(2, french.Dataset.GetStrings(DicomTags.OtherPatientNames).Length);
        Assert.Equal("Buc", french.Dataset.GetPersonName(DicomTags.OtherPatientNames)!.FamilyName);

        using var japanese = DicomFile.Open(Path.Combine(TestData.PydicomCharsetFiles, "chrJapMulti.dcm"));
        Assert.Equal(["やまだ^たろう", "やまだ^たろう"], japanese.Dataset.GetPersonNames(DicomTags.OtherPatientNames).Select(n => n.ToString()));

        Assert.Equal(2, DicomPersonName.ParseValues("Doe^John \\Roe^Jane").Length);
        Assert.Equal("Doe^John", DicomPersonName.ParseValues("Doe^John \\Roe^Jane")[0].ToString());
    }

    [Fact]
    public void Person_names_written_in_a_data_set_read_back()
    {
        var dataset = new DicomDataset()
            .SetStrings(DicomTags.SpecificCharacterSet, ["", "ISO 2022 IR 87"])
            .SetStrings(DicomTags.OtherPatientNames, ["Yamada^Tarou=山田^太郎", "Suzuki^Hanako=鈴木^花子"]);
        var names = dataset.GetPersonNames(DicomTags.OtherPatientNames);
        Assert.Equal(["山田", "鈴木"], names.Select(n => n.IdeographicGroup.FamilyName));
        Assert.Equal("花子", names[1].IdeographicGroup.GivenName);
    }

    private static readonly string[] NameFiles =
        ["chrH31.dcm", "chrH32.dcm", "chrI2.dcm", "chrX1.dcm", "chrX2.dcm", "chrJapMulti.dcm", "chrKoreanMulti.dcm", "chrFrenMulti.dcm", "chrSQEncoding.dcm", "chrArab.dcm"];

    /// <summary>pydicom's parsing of all those files, from one Python run.</summary>
    private static readonly Lazy<JsonObject> PydicomNames = new(() =>
        PydicomOracle.Run(["names", .. NameFiles.Select(f => Path.Combine(TestData.PydicomCharsetFiles, f))]).AsObject());

    public static TheoryData<string> NameFileData() => [.. NameFiles];

    [Theory]
    [MemberData(nameof(NameFileData))]
    public void Components_agree_with_pydicoms_person_name(string fileName)
    {
        var path = Path.Combine(TestData.PydicomCharsetFiles, fileName);
        // pydicom reports an empty PN value as one empty name; we report no name. Compare the others.
        var oracle = PydicomNames.Value[path]!.AsArray()
            .Where(n => n!["groups"]!.AsArray().Any(g => g!.GetValue<string>().Length > 0))
            .ToList();
        using var file = DicomFile.Open(path);
        var ours = new List<(string Path, DicomPersonName Name)>();
        Collect(file.Dataset, string.Empty, ours);
        Assert.Equal(oracle.Count, ours.Count);
        for (var i = 0; i < ours.Count; i++)
        {
            var expected = oracle[i]!;
            Assert.Equal(expected["path"]!.GetValue<string>(), ours[i].Path);
            var components = expected["components"]!.AsArray().Select(c => c!.GetValue<string>()).ToArray();
            Assert.Equal(components, ours[i].Name.AlphabeticGroup.Components);
            var groups = expected["groups"]!.AsArray().Select(g => g!.GetValue<string>()).ToArray();
            Assert.Equal(Pad(groups[1]), ours[i].Name.IdeographicGroup.Components);
            Assert.Equal(Pad(groups[2]), ours[i].Name.PhoneticGroup.Components);
        }

        static string[] Pad(string group) => [.. group.Split('^').Concat(Enumerable.Repeat(string.Empty, 5)).Take(5)];
    }

    private static void Collect(DicomDataset dataset, string prefix, List<(string, DicomPersonName)> names)
    {
        foreach (var item in dataset)
        {
            var key = prefix + item.Tag.Group.ToString("X4") + item.Tag.Element.ToString("X4");
            if (item is DicomSequence sequence)
            {
                for (var i = 0; i < sequence.Items.Count; i++)
                {
                    Collect(sequence.Items[i], $"{key}/{i}/", names);
                }
            }
            else if (item.VR == DicomVR.PN)
            {
                names.AddRange(dataset.GetPersonNames(item.Tag).Select(n => (key, n)));
            }
        }
    }
}

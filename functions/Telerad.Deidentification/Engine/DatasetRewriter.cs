namespace Telerad.Deidentification;

/// <summary>
/// Builds the de-identified data set element by element, at every depth: Table E.1-1 decides for the
/// attributes it lists, <see cref="RetentionRules"/> for the rest (allow-list), Table E.3.10-1 for private
/// elements. Items of kept sequences are rewritten the same way.
/// </summary>
internal sealed class DatasetRewriter(ConfidentialityProfileTable table, DeidAction[] actions, DeidentificationContext context)
{
    private static readonly DicomTag DataSetTrailingPadding = new(0xFFFCFFFCu);

    /// <summary>Always removed, whatever the options (PS3.15 E.1, and the rules the table alone does not carry).</summary>
    private static readonly TagSet AlwaysRemoved = new(
    [
        DicomTags.DigitalSignaturesSequence,
        DicomTags.OriginalAttributesSequence,
        DicomTags.IconImageSequence,
        DataSetTrailingPadding,
    ]);

    /// <summary>Curve groups 5000-501E and overlay groups 6000-601E go whole (Clean Graphics is not implemented).</summary>
    private static bool IsCurveOrOverlay(DicomTag tag) =>
        (tag.Group & 1) == 0 && (tag.Group is >= 0x5000 and <= 0x501E || tag.Group is >= 0x6000 and <= 0x601E);

    public void Rewrite(DicomDataset source, DicomDataset target, int depth)
    {
        foreach (var read in source)
        {
            var item = read is DicomElement { VR: DicomVR.UN } unknown && !read.Tag.IsPrivate ? UnknownVR.Resolve(unknown) : read;
            var tag = item.Tag;
            if (tag.IsGroupLength || tag.Group is 0x0000 or 0x0002 or 0x0004 || tag.IsIllegalOddGroup || AlwaysRemoved.Contains(tag) || IsCurveOrOverlay(tag))
            {
                context.Count("X");
                continue;
            }

            if (tag.IsPrivate)
            {
                RewritePrivate(source, target, item);
                continue;
            }

            if (SpecialIdentifier(source, target, item))
            {
                continue;
            }

            if (table.Find(tag) is { } row)
            {
                Apply(source, target, item, actions[row.Index], depth);
                continue;
            }

            RewriteUnlisted(source, target, item, depth);
        }
    }

    /// <summary>Patient ID and Accession Number become keyed pseudonyms; Patient's Name becomes the patient pseudonym.</summary>
    private bool SpecialIdentifier(DicomDataset source, DicomDataset target, DicomItem item)
    {
        if (item is not DicomElement element)
        {
            return false;
        }

        if (element.Tag == DicomTags.PatientID)
        {
            target.SetString(element.Tag, context.PatientPseudonym, DicomVR.LO);
        }
        else if (element.Tag == DicomTags.PatientName)
        {
            target.SetString(element.Tag, context.PatientPseudonym, DicomVR.PN);
        }
        else if (element.Tag == DicomTags.AccessionNumber)
        {
            var accession = source.GetString(element.Tag);
            target.SetString(element.Tag, string.IsNullOrEmpty(accession) ? string.Empty : context.Mapper.AccessionPseudonym(accession), DicomVR.SH);
        }
        else
        {
            return false;
        }

        context.Count("pseudonym");
        return true;
    }

    private void Apply(DicomDataset source, DicomDataset target, DicomItem item, DeidAction action, int depth)
    {
        switch (action)
        {
            case DeidAction.Remove:
                context.Count("X");
                return;
            case DeidAction.Empty:
                context.Count("Z");
                target.Set(item is DicomSequence ? new DicomSequence(item.Tag) : new DicomElement(item.Tag, item.VR, DicomValue.Empty));
                return;
            case DeidAction.Dummy:
                context.Count("D");
                if (item is DicomSequence dummySequence)
                {
                    RewriteSequence(dummySequence, target, depth);
                }
                else
                {
                    SetDummy(source, target, (DicomElement)item);
                }

                return;
            case DeidAction.Keep:
                context.Count("K");
                if (item is DicomSequence keptSequence)
                {
                    RewriteSequence(keptSequence, target, depth);
                }
                else
                {
                    target.Set(item);
                }

                return;
            case DeidAction.Clean:
                context.Count("C");
                Clean(source, target, item, depth);
                return;
            case DeidAction.ReplaceUid:
                context.Count("U");
                ReplaceUid(source, target, item);
                return;
        }
    }

    private void RewriteUnlisted(DicomDataset source, DicomDataset target, DicomItem item, int depth)
    {
        var uid = item is DicomElement { VR: DicomVR.UI } ? source.GetUid(item.Tag) : null;
        switch (RetentionRules.ForUnlisted(item.Tag, item.VR, uid))
        {
            case RetentionRules.Disposition.Keep:
                context.Count("unlisted-kept");
                target.Set(item);
                break;
            case RetentionRules.Disposition.KeepAndScrub:
                context.Count("unlisted-kept");
                ScrubText(source, target, (DicomElement)item);
                break;
            case RetentionRules.Disposition.KeepSequence when item is DicomSequence sequence:
                context.Count("unlisted-kept");
                RewriteSequence(sequence, target, depth);
                break;
            case RetentionRules.Disposition.Empty:
                context.Count("unlisted-emptied");
                target.Set(new DicomElement(item.Tag, item.VR, DicomValue.Empty));
                break;
            case RetentionRules.Disposition.Dummy:
                context.Count("unlisted-dummy");
                if (context.Profile.Has(DeidentificationOption.CleanStructuredContent))
                {
                    ScrubText(source, target, (DicomElement)item);
                }
                else
                {
                    SetDummy(source, target, (DicomElement)item);
                }

                break;
            case RetentionRules.Disposition.MapUid:
                context.Count("U");
                ReplaceUid(source, target, item);
                break;
            default:
                context.Count("unlisted-removed");
                break;
        }
    }

    /// <summary>
    /// Private elements go (Table E.1-1's odd-group row), unless Retain Safe Private is on and Table E.3.10-1
    /// lists the element for its creator; then the element and its creator element stay.
    /// </summary>
    private void RewritePrivate(DicomDataset source, DicomDataset target, DicomItem item)
    {
        if (item.Tag.IsPrivateCreator || !context.Profile.Has(DeidentificationOption.RetainSafePrivate) || item is DicomSequence)
        {
            context.Count("private-removed");
            return;
        }

        var creator = source.GetPrivateCreator(item.Tag);
        // Table E.3.10-1 is loaded on first use: most instances have no private element the option could keep.
        if (creator is null || !SafePrivateTable.Standard.IsSafe(item.Tag.Group, creator, (byte)item.Tag.Element))
        {
            context.Count("private-removed");
            return;
        }

        // The creator element comes first in tag order, so copying it now keeps the target ordered.
        if (source[item.Tag.PrivateCreatorTag] is DicomElement creatorElement)
        {
            target.Set(creatorElement);
        }

        target.Set(item);
        context.Count("private-kept");
    }

    private void RewriteSequence(DicomSequence sequence, DicomDataset target, int depth)
    {
        var copy = new DicomSequence(sequence.Tag);
        target.Set(copy);
        var structured = sequence.Tag == DicomTags.ContentSequence && context.Profile.Has(DeidentificationOption.CleanStructuredContent);
        foreach (var sourceItem in sequence.Items)
        {
            var contentAction = structured ? StructuredContent.ActionFor(sourceItem, context.Profile) : null;
            if (contentAction == DeidAction.Remove)
            {
                context.Count("content-item-removed");
                continue;
            }

            var targetItem = new DicomDataset();
            copy.Items.Add(targetItem); // attached first, so it inherits the target's character set while it is filled
            Rewrite(sourceItem, targetItem, depth + 1);
            if (contentAction is { } action)
            {
                ApplyToContentValue(sourceItem, targetItem, action);
            }
        }
    }

    /// <summary>Table E.3.4-1's action on a content item's value attribute (Text Value, Person Name, Date, UID ...).</summary>
    private void ApplyToContentValue(DicomDataset source, DicomDataset target, DeidAction action)
    {
        var valueTag = StructuredContent.ValueTagOf(source);
        if (valueTag is not { } tag || !source.TryGet(tag, out var value))
        {
            return;
        }

        context.Count("content-item-" + action.ToString().ToLowerInvariant());
        switch (action)
        {
            case DeidAction.Keep:
                target.Set(value);
                break;
            case DeidAction.Empty:
                target.Set(value is DicomSequence ? new DicomSequence(tag) : new DicomElement(tag, value.VR, DicomValue.Empty));
                break;
            case DeidAction.Dummy when value is DicomElement element:
                SetDummy(source, target, element);
                break;
            case DeidAction.Clean when value is DicomElement element:
                Clean(source, target, element, 0);
                break;
            case DeidAction.ReplaceUid:
                ReplaceUid(source, target, value);
                break;
            default:
                break; // sequences (codes, measurements, references) were already cleaned by the rewrite
        }
    }

    private void SetDummy(DicomDataset source, DicomDataset target, DicomElement element)
    {
        if (element.VR == DicomVR.UI)
        {
            ReplaceUid(source, target, element);
            return;
        }

        if (DummyValues.For(element.VR) is { } text)
        {
            target.SetString(element.Tag, text, element.VR);
            return;
        }

        target.Set(new DicomElement(element.Tag, element.VR, DummyValues.Binary(element.VR)));
    }

    /// <summary>C: dates shifted by the patient's keyed offset, device names replaced, text scrubbed; sequences cleaned.</summary>
    private void Clean(DicomDataset source, DicomDataset target, DicomItem item, int depth)
    {
        if (item is DicomSequence sequence)
        {
            RewriteSequence(sequence, target, depth);
            return;
        }

        var element = (DicomElement)item;
        switch (element.VR)
        {
            case DicomVR.DA or DicomVR.DT when context.ShiftDates:
                ShiftDates(source, target, element);
                break;
            case DicomVR.TM:
                target.Set(element); // whole-day shifts leave times of day as they are, so date+time pairs agree
                break;
            case DicomVR.AE:
                target.SetStrings(element.Tag, source.GetStrings(element.Tag).Select(context.Mapper.DevicePseudonym), DicomVR.AE);
                break;
            case DicomVR.UI:
                ReplaceUid(source, target, element);
                break;
            case var vr when DicomVRInfo.IsString(vr):
                ScrubText(source, target, element);
                break;
            default:
                target.Set(element);
                break;
        }
    }

    private void ShiftDates(DicomDataset source, DicomDataset target, DicomElement element)
    {
        var shifted = new List<string>();
        foreach (var value in source.GetStrings(element.Tag))
        {
            var result = element.VR == DicomVR.DA ? DateShifter.ShiftDate(value, context.DateShiftDays) : DateShifter.ShiftDateTime(value, context.DateShiftDays);
            if (result is null)
            {
                context.Count("date-unparseable-emptied");
                target.Set(new DicomElement(element.Tag, element.VR, DicomValue.Empty));
                return;
            }

            shifted.Add(result);
        }

        target.SetStrings(element.Tag, shifted, element.VR);
    }

    private void ScrubText(DicomDataset source, DicomDataset target, DicomElement element)
    {
        if (element.Value.Length == 0)
        {
            target.Set(element);
            return;
        }

        var values = source.GetStrings(element.Tag);
        var changed = false;
        var scrubbed = new string[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            scrubbed[i] = context.Scrubber.Scrub(values[i], out var hit);
            changed |= hit;
        }

        if (!changed)
        {
            target.Set(element);
            return;
        }

        context.Count("scrubbed");
        target.SetStrings(element.Tag, scrubbed, element.VR);
    }

    private void ReplaceUid(DicomDataset source, DicomDataset target, DicomItem item)
    {
        if (item is DicomSequence sequence)
        {
            RewriteSequence(sequence, target, 0);
            return;
        }

        var element = (DicomElement)item;
        if (element.VR != DicomVR.UI && element.VR != DicomVR.UN)
        {
            target.Set(new DicomElement(element.Tag, element.VR, DicomValue.Empty)); // not a UID: nothing to map
            return;
        }

        var uids = source.GetStrings(element.Tag);
        target.SetStrings(element.Tag, uids.Select(u => u.Length == 0 || u.StartsWith("1.2.840.10008.", StringComparison.Ordinal) ? u : context.Mapper.MapUid(u)), DicomVR.UI);
    }
}

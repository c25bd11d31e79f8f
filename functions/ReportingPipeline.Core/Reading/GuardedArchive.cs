using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;

namespace ReportingPipeline.Core.Reading;

/// <summary>
/// A zip (an .xlsx or a zip of CSVs) opened behind the zip-bomb guards: entry count checked before the
/// central directory is materialised, declared sizes and ratios checked up front, and actual inflated
/// bytes counted while reading, since headers can lie.
/// </summary>
internal sealed class GuardedArchive : IDisposable
{
    /// <summary>Small parts compress very well legitimately (blank rows, repeated styles); ratios count only past this size.</summary>
    private const long RatioGraceBytes = 100 * 1024;

    private readonly ZipArchive _archive;
    private readonly Dictionary<string, ZipArchiveEntry> _entries;
    private readonly ReadLimits _limits;
    private long _inflated;

    private GuardedArchive(ZipArchive archive, ReadLimits limits)
    {
        _archive = archive;
        _limits = limits;
        _entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in archive.Entries)
        {
            _entries.TryAdd(NormalizeName(entry.FullName), entry);
        }
    }

    /// <summary>Every entry, folders included, in archive order.</summary>
    public IReadOnlyCollection<ZipArchiveEntry> Entries => _archive.Entries;

    /// <summary>Every entry that is a file (not a folder), in archive order.</summary>
    public IEnumerable<ZipArchiveEntry> Files => _archive.Entries.Where(e => !e.FullName.EndsWith('/') && !e.FullName.EndsWith('\\'));

    public static GuardedArchive Open(byte[] bytes, ReadLimits limits)
    {
        CheckDeclaredEntryCount(bytes, limits);
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
        }
        catch (InvalidDataException)
        {
            throw SubmissionReadException.Unreadable("压缩结构损坏或文件不完整", "the zip structure is damaged or the file is truncated");
        }

        try
        {
            CheckDeclaredSizes(archive, limits);
            return new GuardedArchive(archive, limits);
        }
        catch
        {
            archive.Dispose();
            throw;
        }
    }

    public static string NormalizeName(string name) => name.Replace('\\', '/').TrimStart('/');

    public ZipArchiveEntry? Find(string partName) => _entries.GetValueOrDefault(NormalizeName(partName));

    /// <summary>Opens an entry for reading through the inflation counter.</summary>
    public Stream OpenRead(ZipArchiveEntry entry) => new InflationCounter(this, entry.Open(), entry);

    /// <summary>Reads a whole entry (a CSV file) into memory, within the same budget.</summary>
    public byte[] ReadAllBytes(ZipArchiveEntry entry)
    {
        using var source = OpenRead(entry);
        using var buffer = new MemoryStream();
        source.CopyTo(buffer);
        return buffer.ToArray();
    }

    public void Dispose() => _archive.Dispose();

    /// <summary>
    /// Reads the entry count from the end-of-central-directory record, so that an archive claiming a
    /// million entries is refused before <see cref="ZipArchive"/> allocates one object per entry.
    /// </summary>
    private static void CheckDeclaredEntryCount(byte[] bytes, ReadLimits limits)
    {
        const int EndRecordSize = 22;
        var earliest = Math.Max(0, bytes.Length - EndRecordSize - ushort.MaxValue);
        for (var i = bytes.Length - EndRecordSize; i >= earliest; i--)
        {
            if (bytes[i] == 0x50 && bytes[i + 1] == 0x4B && bytes[i + 2] == 0x05 && bytes[i + 3] == 0x06)
            {
                var total = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i + 10, 2));
                if (total != ushort.MaxValue && total > limits.MaxArchiveEntries)
                {
                    throw TooManyEntries(total, limits);
                }

                return;
            }
        }

        throw SubmissionReadException.Unreadable("不是有效的压缩文件，或文件不完整", "it is not a valid zip file, or the file is truncated");
    }

    private static void CheckDeclaredSizes(ZipArchive archive, ReadLimits limits)
    {
        if (archive.Entries.Count > limits.MaxArchiveEntries)
        {
            throw TooManyEntries(archive.Entries.Count, limits);
        }

        long declared = 0;
        foreach (var entry in archive.Entries)
        {
            declared += entry.Length;
            if (declared > limits.MaxUncompressedBytes)
            {
                throw TooBig(limits);
            }

            if (entry.Length > RatioGraceBytes && entry.Length > entry.CompressedLength * limits.MaxCompressionRatio)
            {
                throw BadRatio(entry.FullName, limits);
            }
        }
    }

    private static SubmissionReadException TooManyEntries(long count, ReadLimits limits) => SubmissionReadException.Bomb(
        string.Create(CultureInfo.InvariantCulture, $"压缩包内有 {count} 个文件，上限为 {limits.MaxArchiveEntries}"),
        string.Create(CultureInfo.InvariantCulture, $"the archive holds {count} entries; the limit is {limits.MaxArchiveEntries}"));

    private static SubmissionReadException TooBig(ReadLimits limits) => SubmissionReadException.Bomb(
        $"解压后超过 {ReadIssues.Bytes(limits.MaxUncompressedBytes)}",
        $"it expands to more than {ReadIssues.Bytes(limits.MaxUncompressedBytes)}");

    private static SubmissionReadException BadRatio(string entryName, ReadLimits limits) => SubmissionReadException.Bomb(
        string.Create(CultureInfo.InvariantCulture, $"“{entryName}”的压缩比超过 {limits.MaxCompressionRatio}:1"),
        string.Create(CultureInfo.InvariantCulture, $"'{entryName}' is compressed more than {limits.MaxCompressionRatio}:1"));

    /// <summary>
    /// Counts what the inflater really produces (the declared sizes were only a first filter) and checks the
    /// entry's CRC at its end: the runtime stops inflating at the declared size, so a lying size shows up as
    /// a wrong checksum, as does damaged data that still inflates.
    /// </summary>
    private sealed class InflationCounter(GuardedArchive archive, Stream inner, ZipArchiveEntry entry) : Stream
    {
        private static readonly uint[] CrcTable = BuildCrcTable();

        private long _read;
        private uint _crc = 0xFFFF_FFFF;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _read;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n;
            try
            {
                n = inner.Read(buffer);
            }
            catch (InvalidDataException)
            {
                throw SubmissionReadException.Unreadable(
                    $"“{entry.FullName}”已损坏，无法解压", $"'{entry.FullName}' is damaged and cannot be decompressed");
            }

            if (n == 0)
            {
                if (~_crc != entry.Crc32)
                {
                    throw SubmissionReadException.Unreadable(
                        $"“{entry.FullName}”校验失败，文件已损坏", $"'{entry.FullName}' fails its checksum: the file is damaged");
                }

                return 0;
            }

            foreach (var b in buffer[..n])
            {
                _crc = CrcTable[(_crc ^ b) & 0xFF] ^ (_crc >> 8);
            }

            _read += n;
            archive._inflated += n;
            if (archive._inflated > archive._limits.MaxUncompressedBytes)
            {
                throw TooBig(archive._limits);
            }

            if (_read > RatioGraceBytes && _read > Math.Max(entry.CompressedLength, 1) * archive._limits.MaxCompressionRatio)
            {
                throw BadRatio(entry.FullName, archive._limits);
            }

            return n;
        }

        public override void Flush()
        {
        }

        private static uint[] BuildCrcTable()
        {
            var table = new uint[256];
            for (var i = 0u; i < 256; i++)
            {
                var c = i;
                for (var k = 0; k < 8; k++)
                {
                    c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1;
                }

                table[i] = c;
            }

            return table;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.IO.Compression;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace ReportingPipeline.Bench;

/// <summary>
/// With <c>--jit-profile FILE</c>: every method the runtime compiles from the start of a scenario's timed part to its
/// end, written as a crossgen2 profile (<see cref="MibcWriter"/>), so that ReadyToRun images compiled with it hold them
/// (<c>scripts/write-readytorun-profile.sh</c>; measured, not used by the project's publishes: docs/benchmarks.md, round 16).
/// The profile is written after the timed part, but listening slows it: a run that writes a profile is not a measurement.
/// </summary>
internal sealed class JitProfile : IDisposable
{
    private readonly string _path;
    private readonly JitMethodListener _listener = new();

    private JitProfile(string path)
    {
        _path = path;
        _listener.Start();
    }

    public static JitProfile? StartIf(IReadOnlyDictionary<string, string> options) =>
        options.TryGetValue("jit-profile", out var path) ? new JitProfile(path) : null;

    /// <summary>Stops listening and writes the profile; the count of methods compiled and of those written, on standard error.</summary>
    public void Save()
    {
        _listener.Stop();
        var (resolved, unresolved) = _listener.Methods();
        var written = MibcWriter.Write(_path, resolved);
        Console.Error.WriteLine($"{resolved.Count + unresolved.Count} methods compiled at run time; {written} written to {_path} ({unresolved.Count} without an assembly: reflection's invoke stubs)");
    }

    public void Dispose() => _listener.Dispose();
}

/// <summary>Every method the JIT compiles while it listens, as a reflection object (instantiations exact, shared code over System.__Canon).</summary>
internal sealed class JitMethodListener : EventListener
{
    // The runtime's JIT events (MethodJittingStarted) and, for each, the method's exact type (MethodDetails).
    private const EventKeywords JitKeyword = (EventKeywords)0x10;
    private const EventKeywords MethodDiagnosticKeyword = (EventKeywords)0x4000000000;
    private readonly ConcurrentDictionary<ulong, ulong> _typeOfMethod = new();
    private readonly ConcurrentQueue<(ulong Method, string Name)> _jitted = new();
    private volatile bool _listening;

    public void Start() => _listening = true;

    public void Stop() => _listening = false;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, JitKeyword | MethodDiagnosticKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.Payload is null || e.PayloadNames is null)
        {
            return;
        }

        object? Field(string name) => e.PayloadNames.IndexOf(name) is var i and >= 0 ? e.Payload[i] : null;
        ulong Id(string name) => Convert.ToUInt64(Field(name), System.Globalization.CultureInfo.InvariantCulture);
        switch (e.EventName)
        {
            case "MethodDetails":
                _typeOfMethod[Id("MethodID")] = Id("TypeID");
                break;
            case "MethodJittingStarted" or "MethodJittingStarted_V1" when _listening:
                _jitted.Enqueue((Id("MethodID"), $"{Field("MethodNamespace")}::{Field("MethodName")}"));
                break;
        }
    }

    /// <summary>The methods compiled while listening, each once: resolved, and the names of those that are in no assembly.</summary>
    public (List<MethodBase> Resolved, List<string> Unresolved) Methods()
    {
        var resolved = new List<MethodBase>();
        var unresolved = new List<string>();
        foreach (var (method, name) in _jitted.DistinctBy(m => m.Method))
        {
            // A DynamicMethod (reflection's invoke stubs) belongs to no assembly, and its handle may be gone: resolving it crashes.
            if (name.StartsWith("dynamicClass::", StringComparison.Ordinal))
            {
                unresolved.Add(name);
                continue;
            }

            var handle = RuntimeMethodHandle.FromIntPtr((nint)method);
            var found = _typeOfMethod.TryGetValue(method, out var type) && type != 0
                ? MethodBase.GetMethodFromHandle(handle, RuntimeTypeHandle.FromIntPtr((nint)type))
                : MethodBase.GetMethodFromHandle(handle);
            if (found is null)
            {
                unresolved.Add(name);
            }
            else
            {
                resolved.Add(found);
            }
        }

        return (resolved, unresolved);
    }
}

/// <summary>
/// Writes methods as a crossgen2 profile (<c>.mibc</c>, the format dotnet-pgo writes): an assembly whose global method
/// <c>AssemblyDictionary</c> is, per group of methods, <c>ldstr "DefiningAssembly;OtherAssembly;...;" ldtoken groupMethod pop</c>,
/// and each group method <c>ldtoken method pop</c> per method. crossgen2 compiles into an image the profiled methods its
/// version bubble (with cross-module compiling, other assemblies' generics over its types) may hold.
/// </summary>
internal sealed class MibcWriter
{
    private readonly MetadataBuilder _md = new();
    private readonly BlobBuilder _il = new();
    private readonly MethodBodyStreamEncoder _bodies;
    private readonly Dictionary<string, AssemblyReferenceHandle> _assemblies = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, EntityHandle> _types = new();
    private readonly List<MethodDefinitionHandle> _methods = [];
    private readonly BlobHandle _voidSignature;

    public MibcWriter()
    {
        _bodies = new(_il);
        var sig = new BlobBuilder();
        new BlobEncoder(sig).MethodSignature().Parameters(0, r => r.Void(), _ => { });
        _voidSignature = _md.GetOrAddBlob(sig);
    }

    /// <summary>Writes <paramref name="methods"/> to <paramref name="path"/>; returns how many could be written (the others, function pointers in a signature and the like, are left out).</summary>
    public static int Write(string path, IEnumerable<MethodBase> methods)
    {
        var writer = new MibcWriter();
        var groups = new SortedDictionary<string, List<EntityHandle>>(StringComparer.Ordinal);
        var written = 0;
        foreach (var method in methods.Distinct())
        {
            EntityHandle handle;
            try
            {
                handle = writer.MethodReference(method);
            }
            catch (NotSupportedException)
            {
                continue;
            }

            var assemblies = new SortedSet<string>(StringComparer.Ordinal);
            Assemblies(method.DeclaringType!, assemblies);
            if (method.IsGenericMethod)
            {
                foreach (var argument in method.GetGenericArguments())
                {
                    Assemblies(argument, assemblies);
                }
            }

            var defining = method.DeclaringType!.Assembly.GetName().Name!;
            assemblies.Remove(defining);
            var key = string.Concat(new[] { defining }.Concat(assemblies).Select(a => a + ";"));
            (groups.TryGetValue(key, out var list) ? list : groups[key] = []).Add(handle);
            written++;
        }

        var dictionary = new InstructionEncoder(new BlobBuilder());
        var index = 0;
        foreach (var (key, handles) in groups)
        {
            var group = new InstructionEncoder(new BlobBuilder());
            foreach (var handle in handles)
            {
                group.OpCode(ILOpCode.Ldtoken);
                group.Token(handle);
                group.OpCode(ILOpCode.Pop);
            }

            group.OpCode(ILOpCode.Ret);
            var groupMethod = writer.AddGlobalMethod($"Assemblies_{index++}", group);
            dictionary.LoadString(writer._md.GetOrAddUserString(key));
            dictionary.OpCode(ILOpCode.Ldtoken);
            dictionary.Token(groupMethod);
            dictionary.OpCode(ILOpCode.Pop);
        }

        dictionary.OpCode(ILOpCode.Ret);
        writer.AddGlobalMethod("AssemblyDictionary", dictionary);
        writer.Save(path);
        return written;
    }

    private static void Assemblies(Type type, ISet<string> into)
    {
        if (type.HasElementType)
        {
            Assemblies(type.GetElementType()!, into);
            return;
        }

        if (type.IsPrimitive || type.IsGenericParameter || type.FullName == "System.__Canon")
        {
            return;
        }

        into.Add(type.Assembly.GetName().Name!);
        if (type.IsConstructedGenericType)
        {
            foreach (var argument in type.GetGenericArguments())
            {
                Assemblies(argument, into);
            }
        }
    }

    private MethodDefinitionHandle AddGlobalMethod(string name, InstructionEncoder il)
    {
        var body = _bodies.AddMethodBody(il, maxStack: 8);
        var handle = _md.AddMethodDefinition(MethodAttributes.Public | MethodAttributes.Static, MethodImplAttributes.IL, _md.GetOrAddString(name), _voidSignature, body, default);
        _methods.Add(handle);
        return handle;
    }

    private void Save(string path)
    {
        _md.AddModule(0, _md.GetOrAddString(Path.GetFileName(path) + ".dll"), _md.GetOrAddGuid(Guid.NewGuid()), default, default);
        _md.AddAssembly(_md.GetOrAddString(Path.GetFileNameWithoutExtension(path)), new Version(1, 0, 0, 0), default, default, default, System.Reflection.AssemblyHashAlgorithm.None);
        _md.AddTypeDefinition(default, default, _md.GetOrAddString("<Module>"), default,
            MetadataTokens.FieldDefinitionHandle(1), _methods.Count > 0 ? _methods[0] : MetadataTokens.MethodDefinitionHandle(1));
        var pe = new ManagedPEBuilder(
            new PEHeaderBuilder(imageCharacteristics: Characteristics.Dll | Characteristics.ExecutableImage),
            new MetadataRootBuilder(_md), _il);
        var blob = new BlobBuilder();
        pe.Serialize(blob);

        // Compressed as dotnet-pgo writes it by default: a zip whose one entry, named after the file, is the assembly.
        using var file = File.Create(path);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        using var entry = zip.CreateEntry(Path.GetFileName(path) + ".dll", CompressionLevel.SmallestSize).Open();
        blob.WriteContentTo(entry);
    }

    /// <summary>A MemberRef to the method as its generic definition declares it, on its (instantiated) type; a MethodSpec over it for a generic method's instantiation.</summary>
    private EntityHandle MethodReference(MethodBase method)
    {
        var declaring = method.DeclaringType ?? throw new NotSupportedException("A global method.");
        var definition = declaring.IsConstructedGenericType
            ? MethodBase.GetMethodFromHandle(method.MethodHandle, declaring.GetGenericTypeDefinition().TypeHandle)!
            : method;
        if (definition is MethodInfo { IsGenericMethod: true } generic)
        {
            definition = generic.GetGenericMethodDefinition();
        }

        var signature = new BlobBuilder();
        var parameters = definition.GetParameters();
        var genericCount = definition.IsGenericMethodDefinition ? definition.GetGenericArguments().Length : 0;
        new BlobEncoder(signature)
            .MethodSignature(SignatureCallingConvention.Default, genericCount, isInstanceMethod: !definition.IsStatic)
            .Parameters(parameters.Length,
                returnType =>
                {
                    if (definition is MethodInfo info)
                    {
                        Modifiers(returnType.CustomModifiers(), info.ReturnParameter);
                        if (info.ReturnType == typeof(void))
                        {
                            returnType.Void();
                        }
                        else
                        {
                            Encode(info.ReturnType.IsByRef ? returnType.Type(isByRef: true) : returnType.Type(), info.ReturnType.IsByRef ? info.ReturnType.GetElementType()! : info.ReturnType);
                        }
                    }
                    else
                    {
                        returnType.Void();
                    }
                },
                list =>
                {
                    foreach (var parameter in parameters)
                    {
                        var encoder = list.AddParameter();
                        Modifiers(encoder.CustomModifiers(), parameter);
                        var type = parameter.ParameterType;
                        Encode(encoder.Type(isByRef: type.IsByRef), type.IsByRef ? type.GetElementType()! : type);
                    }
                });
        var reference = _md.AddMemberReference(TypeEntity(declaring), _md.GetOrAddString(definition.Name), _md.GetOrAddBlob(signature));
        if (!method.IsGenericMethod)
        {
            return reference;
        }

        var instantiation = new BlobBuilder();
        var arguments = new BlobEncoder(instantiation).MethodSpecificationSignature(method.GetGenericArguments().Length);
        foreach (var argument in method.GetGenericArguments())
        {
            Encode(arguments.AddArgument(), Canonical(argument));
        }

        return _md.AddMethodSpecification(reference, _md.GetOrAddBlob(instantiation));
    }

    private void Modifiers(CustomModifiersEncoder encoder, ParameterInfo parameter)
    {
        foreach (var modifier in parameter.GetRequiredCustomModifiers())
        {
            encoder.AddModifier(TypeEntity(modifier), isOptional: false);
        }

        foreach (var modifier in parameter.GetOptionalCustomModifiers())
        {
            encoder.AddModifier(TypeEntity(modifier), isOptional: true);
        }
    }

    /// <summary>Shared code's generic arguments come back from reflection as generic definitions: what the runtime compiled is their instantiation over System.__Canon.</summary>
    private static Type Canonical(Type type)
    {
        if (type.IsGenericTypeDefinition)
        {
            var canon = typeof(object).Assembly.GetType("System.__Canon", throwOnError: true)!;
            return type.MakeGenericType([.. type.GetGenericArguments().Select(_ => canon)]);
        }

        return type;
    }

    private EntityHandle TypeEntity(Type type)
    {
        if (_types.TryGetValue(type, out var handle))
        {
            return handle;
        }

        if (type.IsConstructedGenericType || type.HasElementType || type.IsGenericParameter)
        {
            var blob = new BlobBuilder();
            Encode(new BlobEncoder(blob).TypeSpecificationSignature(), type);
            handle = _md.AddTypeSpecification(_md.GetOrAddBlob(blob));
        }
        else
        {
            var scope = type.IsNested ? TypeEntity(type.DeclaringType!) : (EntityHandle)AssemblyReference(type.Assembly);
            handle = _md.AddTypeReference(scope, type.IsNested ? default : _md.GetOrAddString(type.Namespace ?? string.Empty), _md.GetOrAddString(type.Name));
        }

        _types[type] = handle;
        return handle;
    }

    private AssemblyReferenceHandle AssemblyReference(Assembly assembly)
    {
        var name = assembly.GetName();
        if (!_assemblies.TryGetValue(name.Name!, out var handle))
        {
            var token = name.GetPublicKeyToken();
            handle = _md.AddAssemblyReference(_md.GetOrAddString(name.Name!), name.Version ?? new Version(0, 0, 0, 0), default,
                token is { Length: > 0 } ? _md.GetOrAddBlob(token) : default, default, default);
            _assemblies[name.Name!] = handle;
        }

        return handle;
    }

    private void Encode(SignatureTypeEncoder encoder, Type type)
    {
        type = Canonical(type);
        if (type.IsGenericParameter)
        {
            if (type.DeclaringMethod is not null)
            {
                encoder.GenericMethodTypeParameter(type.GenericParameterPosition);
            }
            else
            {
                encoder.GenericTypeParameter(type.GenericParameterPosition);
            }

            return;
        }

        if (type.IsFunctionPointer || type.IsByRef)
        {
            throw new NotSupportedException($"{type} in a signature.");
        }

        if (type.IsPointer)
        {
            Encode(encoder.Pointer(), type.GetElementType()!);
            return;
        }

        if (type.IsArray)
        {
            if (type.IsSZArray)
            {
                Encode(encoder.SZArray(), type.GetElementType()!);
            }
            else
            {
                encoder.Array(out var element, out var shape);
                Encode(element, type.GetElementType()!);
                shape.Shape(type.GetArrayRank(), [], []);
            }

            return;
        }

        switch (Type.GetTypeCode(type))
        {
            case TypeCode.Boolean: encoder.Boolean(); return;
            case TypeCode.Char: encoder.Char(); return;
            case TypeCode.SByte: encoder.SByte(); return;
            case TypeCode.Byte: encoder.Byte(); return;
            case TypeCode.Int16: encoder.Int16(); return;
            case TypeCode.UInt16: encoder.UInt16(); return;
            case TypeCode.Int32: encoder.Int32(); return;
            case TypeCode.UInt32: encoder.UInt32(); return;
            case TypeCode.Int64: encoder.Int64(); return;
            case TypeCode.UInt64: encoder.UInt64(); return;
            case TypeCode.Single: encoder.Single(); return;
            case TypeCode.Double: encoder.Double(); return;
            case TypeCode.String: encoder.String(); return;
        }

        if (type == typeof(object)) { encoder.Object(); return; }
        if (type == typeof(IntPtr)) { encoder.IntPtr(); return; }
        if (type == typeof(UIntPtr)) { encoder.UIntPtr(); return; }

        if (type.IsConstructedGenericType)
        {
            var arguments = type.GetGenericArguments();
            var instantiation = encoder.GenericInstantiation(TypeEntity(type.GetGenericTypeDefinition()), arguments.Length, type.IsValueType);
            foreach (var argument in arguments)
            {
                Encode(instantiation.AddArgument(), argument);
            }

            return;
        }

        encoder.Type(TypeEntity(type), type.IsValueType);
    }
}

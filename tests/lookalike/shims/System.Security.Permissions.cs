// Test-only stand-in for System.Security.Permissions 4.0.3.0 on CoreCLR.
//
// Debian's Newtonsoft.Json 6.0.8 (lib/net45) asks for code-access permissions before it
// builds a serializer (JsonTypeReflector.DynamicCodeGeneration). On .NET Core those types
// live in System.Security.Permissions.dll, a NuGet package that is not part of the shared
// framework, so the JIT fails on the first deserialization. The real Octopus.Client depends
// on a netstandard Newtonsoft.Json that never asks; this stand-in answers the same way
// full trust does (every demand succeeds). It goes only into the look-alike's
// lib/netstandard2.0 folder; the net45 build runs on Mono, whose mscorlib has the real types.
//
// Only the types .NET Core lacks are defined here: PermissionState and SecurityPermissionFlag
// come from mscorlib (forwarded to the framework), so the constructors match Newtonsoft's references.
// CoreCLR accepts any strong name for a reference that carries a public key token; the
// build signs this assembly with a key generated for the test run.
#pragma warning disable 0436
using System;

namespace System.Security
{
    public abstract class CodeAccessPermission
    {
        public void Demand()
        {
        }

        public void Assert()
        {
        }

        public static void RevertAssert()
        {
        }
    }
}

namespace System.Security.Permissions
{
    [Flags]
    public enum ReflectionPermissionFlag
    {
        NoFlags = 0,
        TypeInformation = 1,
        MemberAccess = 2,
        ReflectionEmit = 4,
        AllFlags = 7,
        RestrictedMemberAccess = 8,
    }

    public sealed class ReflectionPermission : CodeAccessPermission
    {
        public ReflectionPermission(PermissionState state)
        {
        }

        public ReflectionPermission(ReflectionPermissionFlag flag)
        {
            Flags = flag;
        }

        public ReflectionPermissionFlag Flags { get; set; }
    }

    public sealed class SecurityPermission : CodeAccessPermission
    {
        public SecurityPermission(PermissionState state)
        {
        }

        public SecurityPermission(SecurityPermissionFlag flag)
        {
            Flags = flag;
        }

        public SecurityPermissionFlag Flags { get; set; }
    }
}

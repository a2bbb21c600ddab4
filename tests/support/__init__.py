"""Helpers for the test suite: building .NET assemblies and NuGet packages during the run."""

#!/usr/bin/env pwsh
# orkestra-aot build entry point (PowerShell mirror of build.sh).
# Usage: ./build.ps1 [build|test|publish|bench|render|run] [args...]
param([Parameter(Position = 0)][string]$Command = 'build', [Parameter(ValueFromRemainingArguments = $true)][string[]]$Rest = @())
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
$Root = (Get-Location).Path
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'; $env:DOTNET_NOLOGO = '1'
$Config = if ($env:CONFIG) { $env:CONFIG } else { 'Release' }

# The one place that counts test results (.ci/TestReport, as in build.sh): prints "N passed, N failed[, N skipped]".
function Invoke-Report([string]$Dir, [string[]]$Extra) {
  $expected = (Get-ChildItem -Recurse test -Filter *.Tests.csproj).Count
  dotnet run --project .ci/TestReport -c $Config -v:q -- $Dir $expected @Extra
  exit $LASTEXITCODE
}

switch ($Command) {
  'build' { dotnet build orkestra-aot.sln -c $Config -nologo -v:q @Rest; exit $LASTEXITCODE }
  'test' {
    $results = Join-Path $Root '.build/test-results'
    if (Test-Path $results) { Remove-Item -Recurse -Force $results }
    New-Item -ItemType Directory -Force $results | Out-Null
    $filter = @(); if ($Rest.Count -gt 0) { $filter = @('--filter', $Rest[0]) }
    dotnet build orkestra-aot.sln -c $Config -nologo -v:q
    if ($LASTEXITCODE -ne 0) { Write-Output 'build failed'; Write-Output '0 passed, 1 failed'; exit 1 }
    dotnet test orkestra-aot.sln -c $Config --no-build -nologo --logger trx --logger 'console;verbosity=minimal' --results-directory $results @filter
    Invoke-Report $results @('--exit-code', "$LASTEXITCODE")
  }
  'report' { Invoke-Report (Join-Path $Root '.build/test-results') $Rest }
  'publish' {
    New-Item -ItemType Directory -Force artifacts, .build | Out-Null
    $log = Join-Path $Root '.build/publish.log'
    # A crash of the AOT compiler itself (its stack trace in the log) gets one more try; see build.sh.
    foreach ($attempt in 1, 2) {
      dotnet publish runtime/Orkestra.Host/Orkestra.Host.csproj -c Release -r linux-x64 -nologo -o (Join-Path $Root '.build/publish/ork') @Rest 2>&1 | Tee-Object -FilePath $log
      if ($LASTEXITCODE -eq 0 -or $attempt -eq 2 -or -not (Select-String -Path $log -Pattern '   at ILCompiler\.' -Quiet)) { break }
      Write-Output 'the AOT compiler crashed (see above); publishing once more'
    }
    if ($LASTEXITCODE -ne 0) { Write-Output 'publish failed'; exit $LASTEXITCODE }
    $ours = Select-String -Path $log -Pattern 'warning IL[0-9]+' | Where-Object { $_.Line -match '/(runtime|templating)/' -and $_.Line -notmatch '/.nuget/' }
    if ($ours) { Write-Output 'trim/AOT warnings from our code:'; $ours | ForEach-Object { $_.Line }; exit 1 }
    Copy-Item (Join-Path $Root '.build/publish/ork/ork') artifacts/ork -Force
    Get-Item artifacts/ork
  }
  'bench' {
    $suite = if ($Rest.Count -gt 0) { $Rest[0] } else { 'micro' }
    $more = if ($Rest.Count -gt 1) { $Rest[1..($Rest.Count - 1)] } else { @() }
    if ($suite -eq 'micro') { dotnet run -c Release --project bench/Orkestra.Benchmarks -- --filter '*' @more }
    elseif ($suite -in 'footprint', 'gate', 'webhooks') {
      $env:ORK_BENCH_COMMAND = (@('./build.ps1', 'bench', $suite) + $more) -join ' '
      dotnet run -c Release --project bench/Orkestra.Footprint -- $suite @more
    }
    elseif ($suite -eq 'capacity') { dotnet run -c Release --project bench/Orkestra.Benchmarks -- capacity @more }
    else { Write-Output "unknown bench suite: $suite (micro|footprint|gate|webhooks|capacity)"; exit 2 }
    exit $LASTEXITCODE
  }
  'render' {
    if ($Rest.Count -lt 1) { Write-Output 'usage: ./build.ps1 render samples/NAME'; exit 2 }
    $sample = $Rest[0]; $more = if ($Rest.Count -gt 1) { $Rest[1..($Rest.Count - 1)] } else { @() }
    dotnet run -c $Config --project runtime/Orkestra.Host -v:q -- render -k "$sample/katalog.yaml" --cr "$sample/cr.yaml" @more
    exit $LASTEXITCODE
  }
  'run' {
    if ($Rest.Count -lt 1) { Write-Output 'usage: ./build.ps1 run samples/NAME'; exit 2 }
    $sample = $Rest[0]; $more = if ($Rest.Count -gt 1) { $Rest[1..($Rest.Count - 1)] } else { @() }
    dotnet run -c $Config --project runtime/Orkestra.Host -- run -k "$sample/katalog.yaml" --sandbox @more
    exit $LASTEXITCODE
  }
  default { Write-Output "unknown command: $Command (build|test|report|publish|bench|render|run)"; exit 2 }
}

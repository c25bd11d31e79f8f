using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Storage.Tests;

/// <summary>What every <see cref="IStationUsers"/> must do, run against the table and the folder.</summary>
public abstract class StationUsersContract
{
    protected abstract IStationUsers Users { get; }

    [Fact]
    public async Task Add_SameUserInAnotherCase_IsTheSameUser()
    {
        Assert.True(await Users.AddAsync("440103001", "Wang.Fang@example.cn"));
        Assert.False(await Users.AddAsync("440103001", "wang.fang@EXAMPLE.cn"));

        Assert.Equal(["440103001"], await Users.StationsOfAsync("WANG.FANG@example.cn"));
        Assert.Equal([new StationUser("440103001", "Wang.Fang@example.cn")], await Users.ListAsync("440103001"));
    }

    [Fact]
    public async Task StationsOf_UserOfTwoStations_BothInCodeOrder()
    {
        await Users.AddAsync("440103002", "li.ming@example.cn");
        await Users.AddAsync("440103001", "li.ming@example.cn");
        await Users.AddAsync("440103001", "chen.jie@example.cn");

        Assert.Equal(["440103001", "440103002"], await Users.StationsOfAsync("li.ming@example.cn"));
        Assert.Equal(["chen.jie@example.cn", "li.ming@example.cn"], (await Users.ListAsync("440103001")).Select(u => u.UserName));
        Assert.Equal(3, (await Users.ListAsync()).Count);
    }

    [Fact]
    public async Task Remove_WithdrawsOneStationOnly()
    {
        await Users.AddAsync("440103001", "zhao.lei@example.cn");
        await Users.AddAsync("440103002", "zhao.lei@example.cn");

        Assert.True(await Users.RemoveAsync("440103001", "Zhao.Lei@example.cn"));
        Assert.False(await Users.RemoveAsync("440103001", "zhao.lei@example.cn"));
        Assert.Equal(["440103002"], await Users.StationsOfAsync("zhao.lei@example.cn"));
        Assert.Empty(await Users.StationsOfAsync("nobody@example.cn"));
    }

    [Fact]
    public async Task GuestSignInName_WithHashAndKeyForbiddenCharacters_AddsListsFindsAndRemoves()
    {
        const string guest = "x_gmail.com#EXT#@tenant.onmicrosoft.com";
        Assert.True(await Users.AddAsync("440103001", guest));
        Assert.False(await Users.AddAsync("440103001", "X_gmail.com#ext#@tenant.onmicrosoft.com"));
        Assert.True(await Users.AddAsync("440103001", "a/b\\c?d%23@example.cn"));

        Assert.Equal(["440103001"], await Users.StationsOfAsync(guest));
        Assert.Equal(["440103001"], await Users.StationsOfAsync("a/b\\c?d%23@example.cn"));
        Assert.Empty(await Users.StationsOfAsync("a/b\\c?d#@example.cn"));
        Assert.Equal(["a/b\\c?d%23@example.cn", guest], (await Users.ListAsync("440103001")).Select(u => u.UserName));

        Assert.True(await Users.RemoveAsync("440103001", guest));
        Assert.Empty(await Users.StationsOfAsync(guest));
    }
}
